#!/usr/bin/env python3
"""Tests `zhengce mcp` from the official MCP Python SDK (`pip install mcp`).

Starts the server over stdio, then: initialize, tools/list, `search` for 以工代赈, `fetch`
on its first id, `cite` of a cross-page quote and a bad call (isError). Then a second
server over the fixture library (tests/fixtures/library: laws, a policy text and the
plan): `search` finds a law's article, `fetch` returns it with its citation and no pages,
`cite` of a sentence of the article is exact and names the law and the article; `doc` and
`type` restrict `search` and `cite` to a document or a kind of document. Exits
non-zero on the first failed assertion.

Usage: python3 tests/mcp_client.py [path/to/zhengce]   (default: target/debug/zhengce)
Run from the repository root (the server finds ./corpus; the index is built in a
temporary directory).
"""

import asyncio
import json
import os
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def field(obj, *names):
    """A field by its snake_case (SDK v2) or camelCase (SDK v1) name."""
    for n in names:
        if hasattr(obj, n):
            return getattr(obj, n)
    raise AttributeError(names)


def payload(result):
    """The tool result's structured content, checked against its text content."""
    assert not field(result, "is_error", "isError"), result
    structured = field(result, "structured_content", "structuredContent")
    assert structured is not None, "no structuredContent"
    texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
    assert texts, "no text content item"
    assert json.loads(texts[0]) == structured, "text and structuredContent differ"
    return structured


def server(binary: str, corpus: str, tmp: str) -> StdioServerParameters:
    """`zhengce mcp` over `corpus`, its index built in the temporary directory `tmp`."""
    return StdioServerParameters(
        command=binary,
        args=[
            "--corpus",
            corpus,
            "--index",
            os.path.join(tmp, "index"),
            "mcp",
            "--base-url",
            "http://localhost:3000",
        ],
        env={"RUST_LOG": "warn"},
    )


async def main(binary: str) -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        params = server(binary, os.path.join(repo, "corpus"), tmp)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                info = field(init, "server_info", "serverInfo")
                assert info.name == "zhengce", info
                caps = init.capabilities
                assert caps.tools is not None, caps

                tools = await session.list_tools()
                names = sorted(t.name for t in tools.tools)
                assert names == ["cite", "fetch", "search"], names
                for t in tools.tools:
                    schema = field(t, "input_schema", "inputSchema")
                    assert schema.get("type") == "object", schema

                res = payload(await session.call_tool("search", {"query": "以工代赈"}))
                results = res["results"]
                assert results, "search found nothing"
                first = results[0]
                for k in ("id", "title", "url", "snippet", "citation"):
                    assert isinstance(first[k], str) and first[k], (k, first)
                assert "以工代赈" in first["snippet"], first
                assert "<mark>" not in first["snippet"], first
                assert first["url"] == f"http://localhost:3000/p/{first['id']}", first
                assert first["citation"].startswith("《“十四五”特殊类型地区振兴发展规划》"), first
                assert "第二章" in first["title"] or "›" in first["title"], first

                doc = payload(await session.call_tool("fetch", {"id": first["id"]}))
                assert doc["id"] == first["id"], doc
                assert doc["title"] == first["title"], doc
                assert doc["url"] == first["url"], doc
                assert "以工代赈" in doc["text"], doc
                meta = doc["metadata"]
                assert meta["citation"] == first["citation"], meta
                assert isinstance(meta["pages"], list) and len(meta["pages"]) == 2, meta
                assert meta["doc"] == "tese2021", meta

                cited = payload(
                    await session.call_tool("cite", {"text": "促进边疆巩固的重点地区"})
                )
                assert cited["exact"] is True, cited
                m = cited["matches"][0]
                assert m["pages"] == [2, 3], m
                assert m["citation"] == (
                    "“促进边疆巩固的重点地区”（《“十四五”特殊类型地区振兴发展规划》"
                    "第一章第一节，第2—3页）"
                ), m

                # Bad input is a tool error, not a crash.
                bad = await session.call_tool("cite", {"text": ""})
                assert field(bad, "is_error", "isError") is True, bad
                bad = await session.call_tool("fetch", {"id": "no-such-passage"})
                assert field(bad, "is_error", "isError") is True, bad
                # And the server is still alive.
                again = payload(await session.call_tool("search", {"query": "以工代赈"}))
                assert again["results"][0]["id"] == first["id"]
    print(f"mcp client: ok ({len(results)} results, first {first['id']})")


LAW_TITLE = "中华人民共和国乡村振兴促进法"
LAW_FILE = os.path.join("经济法", "乡村振兴促进法(2021-04-29).md")


def article_text(library: str, label: str) -> str:
    """The text of an article as the fixture file prints it, after its label."""
    with open(os.path.join(library, LAW_FILE), encoding="utf-8") as f:
        for line in f:
            if line.startswith(label):
                return line[len(label):].strip()
    raise AssertionError(f"no {label} in {LAW_FILE}")


async def library_session(binary: str) -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    library = os.path.join(repo, "tests", "fixtures", "library")
    article = article_text(library, "第六条")
    # The article's first clause, as printed in the file.
    quote = article.split("，")[0]
    assert len(quote) > 10, quote
    citation = f"《{LAW_TITLE}》第六条"
    with tempfile.TemporaryDirectory() as tmp:
        params = server(binary, library, tmp)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()

                # search: the law's article is among the results, cited by its article.
                res = payload(await session.call_tool("search", {"query": "以工补农 以城带乡"}))
                results = res["results"]
                assert results, "search found nothing in the library"
                law = [r for r in results if r["citation"] == citation]
                assert len(law) == 1, results
                hit = law[0]
                assert hit["id"].endswith("-a6"), hit
                assert "第六条" in hit["title"], hit
                assert "以工补农" in hit["snippet"], hit
                assert hit["url"] == f"http://localhost:3000/p/{hit['id']}", hit
                # The policy text prints the same words: another document in the results.
                others = [r for r in results if not r["citation"].startswith(f"《{LAW_TITLE}》")]
                assert others, results

                # fetch: the article in full, its citation, no pages.
                doc = payload(await session.call_tool("fetch", {"id": hit["id"]}))
                assert doc["id"] == hit["id"], doc
                assert doc["title"] == hit["title"], doc
                assert doc["text"].endswith(article), (doc["text"], article)
                meta = doc["metadata"]
                assert meta["citation"] == citation, meta
                assert meta["pages"] is None, meta
                assert meta["doc_title"] == LAW_TITLE, meta
                assert hit["id"] == f"{meta['doc']}-a6", meta
                assert meta["kind"] == "article", meta
                assert meta["prev"] == f"{meta['doc']}-a5", meta
                assert meta["next"] == f"{meta['doc']}-a7", meta

                # cite: a sentence of the article is exact, cited by the law and article.
                cited = payload(await session.call_tool("cite", {"text": quote}))
                assert cited["exact"] is True, cited
                assert cited["total"] == 1, cited
                m = cited["matches"][0]
                assert m["passage"]["id"] == hit["id"], m
                assert m["quote"] == quote, m
                assert m["pages"] is None, m
                assert m["citation"] == f"“{quote}”（{citation}）", m
                assert m["similarity"] == 1.0, m

                # doc and type filter search and cite; their schemas say so.
                tools = {t.name: t for t in (await session.list_tools()).tools}
                for name in ("search", "cite"):
                    props = field(tools[name], "input_schema", "inputSchema")["properties"]
                    assert "doc" in props and "type" in props, (name, props)
                    desc = tools[name].description or ""
                    assert "library" in desc and "plan)" not in desc, (name, desc)
                both = "坚持以工补农、以城带乡"  # printed in the law and in the policy text
                cited = payload(await session.call_tool("cite", {"text": both}))
                assert cited["total"] == 2, cited
                cited = payload(
                    await session.call_tool("cite", {"text": both, "doc": "县域商业体系"})
                )
                assert cited["total"] == 1, cited
                assert cited["matches"][0]["passage"]["doc"] != meta["doc"], cited
                cited = payload(await session.call_tool("cite", {"text": both, "type": "法律"}))
                assert [m["passage"]["doc"] for m in cited["matches"]] == [meta["doc"]], cited
                none = payload(
                    await session.call_tool("cite", {"text": both, "doc": "没有这部法"})
                )
                assert none["exact"] is False and none["matches"] == [], none
                only = payload(
                    await session.call_tool(
                        "search", {"query": "以工补农 以城带乡", "doc": meta["doc"]}
                    )
                )
                assert only["results"], only
                assert all(r["doc"] == meta["doc"] for r in only["results"]), only
                assert all(r["doc_title"] == LAW_TITLE for r in only["results"]), only
                opinion = payload(
                    await session.call_tool("search", {"query": "以工补农", "type": "意见"})
                )
                assert opinion["results"], opinion
                assert all(r["doc"] != meta["doc"] for r in opinion["results"]), opinion

                # The plan in the library keeps its pages.
                plan = payload(
                    await session.call_tool("cite", {"text": "促进边疆巩固的重点地区"})
                )
                assert plan["exact"] is True, plan
                assert plan["matches"][0]["pages"] == [2, 3], plan
    print(f"mcp client (library): ok ({len(results)} results, {hit['id']})")


async def run(binary: str) -> None:
    await main(binary)
    await library_session(binary)


if __name__ == "__main__":
    exe = sys.argv[1] if len(sys.argv) > 1 else "target/debug/zhengce"
    asyncio.run(run(os.path.abspath(exe)))

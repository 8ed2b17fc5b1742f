"""The test infrastructure itself: a real Ralph LRS 5.1.0 and the fault-injecting proxy do what they say."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from tests.fault_proxy import FaultProxy
from tests.lrs_support import (  # noqa: F401  (the *_fixture names register pytest fixtures)
    XAPI_HEADERS,
    RalphServer,
    fresh_ralph_fixture,
    make_statement,
    ralph_fixture,
    ralph_proxy_fixture,
    validate_with_ralph,
)


def post(url: str, statements, auth, timeout: float = 10, **kwargs) -> requests.Response:
    """POST on a connection of its own (a new Session each time)."""
    with requests.Session() as session:
        return session.post(url, json=statements, auth=auth, headers=XAPI_HEADERS, timeout=timeout, **kwargs)


# --- Ralph ---------------------------------------------------------------------------------------


def test_ralph_starts_fast_and_answers_heartbeat(ralph):
    assert ralph.running
    assert ralph.endpoint == f"http://127.0.0.1:{ralph.port}/xAPI/"
    assert ralph.startup_seconds is not None and ralph.startup_seconds < 30
    response = requests.get(f"{ralph.base_url}/__heartbeat__", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}
    whoami = requests.get(f"{ralph.base_url}/whoami", auth=ralph.auth, timeout=5)
    assert whoami.status_code == 200
    assert whoami.json()["scopes"] == ["all"]


def test_ralph_stores_statements_and_answers_as_measured(ralph):
    first = [make_statement(), make_statement()]
    response = ralph.post(first)
    assert response.status_code == 200, response.text
    assert response.json() == [s["id"] for s in first]

    # A second write: without the APPEND fix in the launcher this answers 500.
    second = [make_statement(), make_statement()]
    response = ralph.post(second)
    assert response.status_code == 200, response.text
    assert response.json() == [s["id"] for s in second]

    # A repeat of stored statements: 204, nothing stored twice.
    assert ralph.post(first).status_code == 204
    # A mix: 200 with only the new ids.
    third = make_statement()
    response = ralph.post([first[0], third])
    assert response.status_code == 200
    assert response.json() == [third["id"]]

    # The same id with other content: 409, the stored one unchanged.
    changed = dict(first[0], object={"objectType": "Activity", "id": "https://numplus.example.org/items/other"})
    response = ralph.post([changed])
    assert response.status_code == 409

    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    for statement in first + second + [third]:
        assert ids.count(statement["id"]) == 1
    by_id = {s["id"]: s for s in stored}
    assert by_id[first[0]["id"]]["object"] == first[0]["object"]
    assert "stored" in by_id[first[0]["id"]] and "authority" in by_id[first[0]["id"]]


def test_ralph_resend_without_timestamp_conflicts(ralph):
    """Ralph 5.1.0 fills a missing timestamp with the storage time and compares it on a resend."""
    statement = make_statement(timestamp=None)
    assert ralph.post([statement]).status_code == 200
    assert ralph.post([statement]).status_code == 409


def test_ralph_refuses_bad_credentials(ralph):
    statement = make_statement()
    assert ralph.post([statement], auth=(ralph.username, "wrong")).status_code == 401
    assert ralph.post([statement], auth=("nobody", ralph.password)).status_code == 401
    response = requests.post(ralph.statements_url, json=[statement], headers=XAPI_HEADERS, timeout=5)
    assert response.status_code == 401
    assert statement["id"] not in ralph.statement_ids()


def test_ralph_statements_over_http_follow_more(ralph):
    sent = [make_statement() for _ in range(5)]
    assert ralph.post(sent).status_code == 200
    fetched = ralph.fetch_statements(page_size=2)
    fetched_ids = [s["id"] for s in fetched]
    assert len(fetched_ids) == len(set(fetched_ids))
    assert {s["id"] for s in sent} <= set(fetched_ids)
    assert fetched_ids == ralph.statement_ids()


def test_validate_with_ralph_uses_the_strict_model():
    good = make_statement()
    bad_score = make_statement(result={"score": {"scaled": 1.5}})
    bad_version = make_statement(version="2.0")
    no_actor = make_statement()
    del no_actor["actor"]
    results = validate_with_ralph([good, bad_score, bad_version, no_actor, "not a statement"])
    assert results[0] is None
    assert "result.score.scaled" in results[1]
    assert "version" in results[2]
    assert "actor" in results[3]
    assert results[4] is not None
    assert validate_with_ralph([]) == []


def test_ralph_stop_and_start_keep_the_data(fresh_ralph: RalphServer):
    server = fresh_ralph
    assert server.statements() == []
    before = [make_statement(), make_statement()]
    assert server.post(before).status_code == 200
    port = server.port

    server.stop()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        server.post([make_statement()], timeout=3)
    assert [s["id"] for s in server.statements()] == [s["id"] for s in before]  # readable while down

    server.start()
    assert server.port == port
    assert server.post(before).status_code == 204  # still known after the restart
    after = make_statement()
    assert server.post([after]).status_code == 200

    server.kill()  # a crash, not a clean stop
    server.start()
    assert server.statement_ids() == [s["id"] for s in before] + [after["id"]]
    assert [s["id"] for s in server.fetch_statements()] == server.statement_ids()


def test_ralph_missing_venv_message_names_make_test(monkeypatch, tmp_path):
    import tests.lrs_support as support

    monkeypatch.setattr(support, "RALPH_PYTHON", tmp_path / "missing" / "python")
    with pytest.raises(support.RalphNotInstalled, match="make test"):
        RalphServer().start()


# --- the fault proxy -----------------------------------------------------------------------------


def test_proxy_pass_forwards_one_request_per_connection(ralph, ralph_proxy):
    statement = make_statement()
    with requests.Session() as session:  # even a keep-alive session gets a new connection per request
        for _ in range(3):
            response = session.post(
                ralph_proxy.statements_url, json=[statement], auth=ralph.auth, headers=XAPI_HEADERS, timeout=10
            )
            assert response.headers["connection"].lower() == "close"
    assert response.status_code == 204  # the first one stored it
    assert statement["id"] in ralph.statement_ids()
    assert ralph_proxy.wait_idle()  # the proxy counts a delivery after the client already has its answer
    stats = ralph_proxy.stats()
    assert stats["connections"] == 3
    assert stats["forwarded"] == 3 and stats["delivered"] == 3
    assert stats["faults_injected"] == 0


def test_proxy_forwards_a_chunked_body(ralph, ralph_proxy):
    statement = make_statement()
    body = json.dumps([statement]).encode()

    def chunks():  # a generator body: requests sends it with Transfer-Encoding: chunked
        yield body[:10]
        yield body[10:]

    response = requests.post(
        ralph_proxy.statements_url,
        data=chunks(),
        auth=ralph.auth,
        headers={**XAPI_HEADERS, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert statement["id"] in ralph.statement_ids()


def test_proxy_refuse_resets_at_once(ralph, ralph_proxy):
    ralph_proxy.refuse()
    statement = make_statement()
    with pytest.raises(requests.ConnectionError):
        post(ralph_proxy.statements_url, [statement], ralph.auth)
    assert ralph_proxy.wait_idle()
    assert ralph_proxy.stats()["fault_counts"] == {"refuse": 1}
    assert ralph_proxy.forwarded == 0
    assert statement["id"] not in ralph.statement_ids()


def test_proxy_down_refuses_connections_then_comes_back(ralph, ralph_proxy):
    ralph_proxy.down()
    with pytest.raises(requests.ConnectionError) as caught:
        post(ralph_proxy.statements_url, [make_statement()], ralph.auth)
    assert "refused" in str(caught.value).lower()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", ralph_proxy.port), timeout=2).close()
    assert ralph_proxy.connections == 0

    ralph_proxy.up()
    assert post(ralph_proxy.statements_url, [make_statement()], ralph.auth).status_code == 200


def test_proxy_reset_mid_request_stores_nothing(ralph, ralph_proxy):
    ralph_proxy.reset_mid_request()
    statement = make_statement(padding=20_000)
    with pytest.raises(requests.ConnectionError):
        post(ralph_proxy.statements_url, [statement], ralph.auth)
    assert ralph_proxy.wait_idle()
    assert ralph_proxy.stats()["fault_counts"] == {"reset_mid_request": 1}
    assert ralph_proxy.forwarded == 0
    assert statement["id"] not in ralph.statement_ids()


def test_proxy_reset_after_response_loses_the_acknowledgement_not_the_data(ralph, ralph_proxy):
    ralph_proxy.reset_after_response()
    statement = make_statement()
    with pytest.raises(requests.ConnectionError):
        post(ralph_proxy.statements_url, [statement], ralph.auth)
    assert ralph_proxy.wait_idle()
    assert ralph_proxy.forwarded == 1 and ralph_proxy.delivered == 0
    assert statement["id"] in ralph.statement_ids()  # the server has it...

    ralph_proxy.pass_through()  # ...so the client's resend is a harmless repeat
    assert post(ralph_proxy.statements_url, [statement], ralph.auth).status_code == 204
    assert ralph.statement_ids().count(statement["id"]) == 1


def test_proxy_status_answers_itself_with_retry_after(ralph, ralph_proxy):
    ralph_proxy.status(503, retry_after=2)
    statement = make_statement()
    response = post(ralph_proxy.statements_url, [statement], ralph.auth)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "injected" in response.json()["detail"]
    assert ralph_proxy.forwarded == 0
    assert statement["id"] not in ralph.statement_ids()


def test_proxy_times_then_back_to_pass(ralph, ralph_proxy):
    ralph_proxy.status(500, times=2)
    statement = make_statement()
    codes = [post(ralph_proxy.statements_url, [statement], ralph.auth).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert ralph_proxy.mode == "pass"
    assert ralph_proxy.history == ["status", "status", "pass"]


def test_proxy_delay_and_client_timeout(ralph, ralph_proxy):
    ralph_proxy.delay(0.5, times=1)
    started = time.monotonic()
    assert post(ralph_proxy.statements_url, [make_statement()], ralph.auth).status_code == 200
    assert time.monotonic() - started >= 0.5

    # The client gives up first; the proxy still forwards after the delay and the server stores it.
    ralph_proxy.delay(1.0, times=1)
    statement = make_statement()
    with pytest.raises(requests.ReadTimeout):
        post(ralph_proxy.statements_url, [statement], ralph.auth, timeout=0.3)
    assert ralph_proxy.wait_idle()
    assert statement["id"] in ralph.statement_ids()


def test_proxy_throttle_slows_a_14kb_body_to_modem_speed(ralph, ralph_proxy):
    ralph_proxy.throttle(7000)  # 56 kbit/s
    statements = [make_statement(padding=7000), make_statement(padding=7000)]
    started = time.monotonic()
    response = post(ralph_proxy.statements_url, statements, ralph.auth, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed >= 2.0
    assert elapsed < 10
    assert {s["id"] for s in statements} <= set(ralph.statement_ids())


def test_proxy_probabilistic_faults_are_counted_and_reproducible(ralph):
    def run(seed: int) -> tuple[list[str], list[str]]:
        with FaultProxy("127.0.0.1", ralph.port) as proxy:
            proxy.faults(probability=0.5, kinds=["refuse", ("status", {"code": 503, "retry_after": 1})], seed=seed)
            outcomes = []
            for _ in range(20):
                try:
                    with requests.Session() as session:
                        outcomes.append(str(session.get(f"{proxy.base_url}/__heartbeat__", timeout=5).status_code))
                except requests.ConnectionError:
                    outcomes.append("error")
            assert proxy.wait_idle()
            stats = proxy.stats()
        assert stats["connections"] == 20
        assert stats["faults_injected"] == sum(stats["fault_counts"].values()) == 20 - stats["history"].count("pass")
        assert outcomes.count("error") == stats["fault_counts"].get("refuse", 0)
        assert outcomes.count("503") == stats["fault_counts"].get("status", 0)
        assert outcomes.count("200") == stats["history"].count("pass")
        return stats["history"], outcomes

    history, outcomes = run(seed=7)
    assert 0 < history.count("pass") < 20  # both faults and passes at p = 0.5 over 20
    assert run(seed=7) == (history, outcomes)


def test_proxy_with_the_server_down_resets_the_client(fresh_ralph: RalphServer):
    with FaultProxy("127.0.0.1", fresh_ralph.port) as proxy:
        fresh_ralph.stop()
        with pytest.raises(requests.ConnectionError):
            post(f"{proxy.base_url}/xAPI/statements", [make_statement()], fresh_ralph.auth)
        assert proxy.wait_idle()
        assert proxy.upstream_errors == 1
        fresh_ralph.start()
        assert post(f"{proxy.base_url}/xAPI/statements", [make_statement()], fresh_ralph.auth).status_code == 200

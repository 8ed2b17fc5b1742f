"""An adaptive assessment in a played session: the plan and each choice are logged, results carry item
scores, the session stops by itself, and a resumed session (between scenarios or mid-scenario) goes on
choosing exactly what it would have chosen without the interruption."""

from __future__ import annotations

import pytest

from game.paths import SCENARIOS
from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.sessions import Assessment, PlaySession, scenario_library
from game.store import EventStore
from scoring.adaptive import AssessmentPlan
from scoring.measurement import OVERALL, load_bank

SEED = 7
MEETING = "mail.confirm-meeting"
REPLY_BODY = "Bonjour Sophie, oui je serai là. Merci!"
STOP_REASONS = {"max_scenarios", "precise_enough", "time_budget", "bank_exhausted"}
# Two areas, one scenario each at least: long enough to reach the meeting scenario and play past it.
PLAN = AssessmentPlan(targets=["communication-collaboration", "safety"], min_per_area=1)


@pytest.fixture(scope="module")
def library():
    return scenario_library([SCENARIOS])


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def db(tmp_path):
    return tmp_path / "db.sqlite3"


def new_session(store: EventStore, library, clock, plan: AssessmentPlan = PLAN, **kwargs) -> PlaySession:
    assessment = Assessment.plan(library, plan, seed=SEED, **kwargs)
    return PlaySession.new(store, [], participant="P-0001", locale="fr-CA", clock=clock, assessment=assessment,
                           seed=SEED)


def finish_meeting(engine, clock) -> None:
    """Reply politely to the manager after reading her message: the meeting scenario's top score (3)."""
    for action in (a.SetBody("d1", REPLY_BODY), a.Send("d1")):
        clock.advance(2000)
        outcome = engine.apply(action)
        assert outcome.accepted, outcome.reason
    assert outcome.scenario_completed


def start_meeting_reply(engine, clock) -> None:
    for action in (a.OpenMessage("meeting"), a.Reply("meeting")):
        clock.advance(2000)
        assert engine.apply(action).accepted


def play_one(engine, clock) -> str:
    """Start the next scenario and end it: the meeting scenario is played well, the first other one is
    left `completed` untouched, the others ended by the participant."""
    run = engine.start_scenario()
    clock.advance(1000)
    if run.loaded.id == MEETING:
        start_meeting_reply(engine, clock)
        finish_meeting(engine, clock)
    elif run.index == 0:
        engine.end_scenario("completed")
    else:
        engine.end_scenario("ended_by_participant")
    return run.loaded.id


def play_to_the_end(engine, clock) -> list[str]:
    played = []
    while engine.has_next_scenario:
        played.append(play_one(engine, clock))
        assert len(played) <= PLAN.max_scenarios
    return played


def started_choices(store: EventStore, session_id: str) -> list[tuple[str, dict]]:
    return [(e.scenario, e.payload["chosen"]) for e in store.events(session_id) if e.type == "scenario_started"]


def scores(results: dict) -> dict:
    return {sid: (r["outcome"], r["item_score"]) for sid, r in results.items()}


def snapshot(sequencer) -> dict:
    return {"played": list(sequencer.played),
            **{scale: (p.mean, p.sd, p.n_items) for scale, p in sequencer.estimates.posteriors.items()}}


@pytest.fixture
def twin(library, tmp_path):
    """The same session played without interruption: its choices and final state."""
    store = EventStore(tmp_path / "twin.sqlite3")
    clock = ManualClock()
    session = new_session(store, library, clock)
    played = play_to_the_end(session.engine, clock)
    result = {"played": played, "choices": started_choices(store, session.engine.session_id),
              "stop_reason": session.engine.sequencer.stop_reason, "final": snapshot(session.engine.sequencer),
              "results": store.results(session.engine.session_id)}
    store.close()
    return result


# --- what the session logs ---------------------------------------------------------------------------------
def test_the_plan_is_logged_with_session_started(db, library, clock):
    store = EventStore(db)
    session = new_session(store, library, clock)
    started = store.events(session.engine.session_id)[0]
    assert started.type == "session_started"
    plan = started.payload["plan"]
    assert plan["mode"] == "adaptive"
    assert plan["framework"] == "digcomp-2.2"
    assert plan["targets"] == ["communication-collaboration", "safety"]
    bank = load_bank(library)
    assert plan["parameters_version"] == bank.version
    assert plan["parameters_version"].startswith("provisional-")
    assert started.payload["seed"] == SEED
    assert sorted(started.payload["scenarios"]) == sorted(bank.items)  # the scored scenarios: the pool
    store.close()


def test_each_choice_is_logged_and_results_hold_item_scores(db, library, clock):
    store = EventStore(db)
    session = new_session(store, library, clock)
    engine = session.engine
    played = play_to_the_end(engine, clock)
    bank = engine.sequencer.bank
    choices = started_choices(store, engine.session_id)
    assert [sid for sid, _ in choices] == played
    for sid, chosen in choices:
        assert chosen["mode"] == "adaptive"
        assert chosen["area"] == bank.items[sid].area
        assert sid in chosen["among"] and 1 <= len(chosen["among"]) <= PLAN.top_n
        assert chosen["information"] > 0
        assert chosen["information"] == pytest.approx(bank.items[sid].parameters.information(chosen["estimate"]),
                                                      abs=1e-3)
        assert set(chosen["focus"]) <= set(PLAN.targets)
    results = store.results(engine.session_id)
    assert list(results) == played
    assert MEETING in played, "the plan should reach the meeting scenario"
    for index, sid in enumerate(played):
        expected = 3 if sid == MEETING else 0  # nothing done: no point
        assert results[sid]["item_score"] == expected, sid
        assert results[sid]["outcome"] == ("completed" if sid == MEETING or index == 0 else "ended_by_participant")
    assert engine.sequencer.played == played
    assert engine.has_next_scenario is False
    assert engine.sequencer.stop_reason in STOP_REASONS
    for area in PLAN.targets:
        assert sum(bank.items[s].area == area for s in played) >= PLAN.min_per_area
    assert engine.sequencer.estimates.posterior(OVERALL).n_items == len(played)
    engine.end_session()
    store.close()


def test_a_session_stops_by_itself_at_max_scenarios(db, library, clock):
    store = EventStore(db)
    plan = AssessmentPlan(max_scenarios=3, min_scenarios=1, min_per_area=0, stop_probability=1.0, stop_se=0.01)
    engine = new_session(store, library, clock, plan).engine
    for _ in range(3):
        assert engine.has_next_scenario
        engine.start_scenario()
        engine.end_scenario("ended_by_participant")
    assert engine.has_next_scenario is False
    assert engine.sequencer.stop_reason == "max_scenarios"
    store.close()


def test_a_broken_parameters_file_does_not_stop_the_session(db, library, clock, tmp_path):
    broken = tmp_path / "parameters.yaml"
    broken.write_text("version: x\ndate: 2026-01-01\nsample_size: 0\nmethod: m\nitems: {}\n", encoding="utf-8")
    store = EventStore(db)
    engine = new_session(store, library, clock, parameters=str(broken)).engine
    plan = store.events(engine.session_id)[0].payload["plan"]
    assert plan["parameters_version"] == load_bank(library).version
    assert plan["parameters_problem"].startswith(f"{broken}:3:")
    assert engine.has_next_scenario
    store.close()


# --- resuming -------------------------------------------------------------------------------------------
def test_the_twin_is_a_real_adaptive_session(twin):
    assert MEETING in twin["played"] and twin["played"].index(MEETING) >= 2
    assert len(twin["played"]) > twin["played"].index(MEETING) + 1, "choices must follow the meeting scenario"
    assert twin["results"][MEETING]["item_score"] == 3
    assert twin["stop_reason"] in STOP_REASONS


def test_resume_between_scenarios_rebuilds_the_sequencer_and_chooses_as_before(db, library, twin):
    clock = ManualClock()
    store = EventStore(db)
    session = new_session(store, library, clock)
    engine = session.engine
    stop_after = twin["played"].index(MEETING) + 1  # the top score is in what the resumed session must know
    for _ in range(stop_after):
        play_one(engine, clock)
    session_id = engine.session_id
    before = snapshot(engine.sequencer)
    assert before["played"] == twin["played"][:stop_after]
    store.close()  # the machine stops here

    store = EventStore(db)
    clock.advance(60_000)  # the machine restarts; time goes on
    resumed = PlaySession.resume(store, session_id, library, clock)
    engine = resumed.engine
    assert engine.sequencer is not None
    assert snapshot(engine.sequencer) == before  # the same played list and the same posteriors
    assert engine.sequencer.estimates.posterior(OVERALL).mean == before[OVERALL][0]
    assert engine.upcoming.id == twin["played"][stop_after]

    rest = play_to_the_end(engine, clock)
    assert twin["played"][:stop_after] + rest == twin["played"]
    assert started_choices(store, session_id) == twin["choices"]
    assert engine.sequencer.stop_reason == twin["stop_reason"]
    assert snapshot(engine.sequencer) == twin["final"]
    assert list(store.results(session_id)) == twin["played"]
    assert scores(store.results(session_id)) == scores(twin["results"])  # event numbers differ by session_resumed
    assert [e.type for e in store.events(session_id)].count("session_resumed") == 1
    store.close()


def test_resume_in_the_middle_of_a_scenario_counts_its_score_once_it_ends(db, library, twin):
    clock = ManualClock()
    store = EventStore(db)
    session = new_session(store, library, clock)
    engine = session.engine
    before_meeting = twin["played"].index(MEETING)
    for _ in range(before_meeting):
        play_one(engine, clock)
    run = engine.start_scenario()
    assert run.loaded.id == MEETING
    start_meeting_reply(engine, clock)  # read and started the reply...
    session_id = engine.session_id
    played_before = list(engine.sequencer.played)
    store.close()  # ...when the machine stopped

    store = EventStore(db)
    clock.advance(60_000)
    resumed = PlaySession.resume(store, session_id, library, clock)
    engine = resumed.engine
    assert engine.sequencer.played == played_before == twin["played"][:before_meeting]
    assert engine.current is not None and engine.current.loaded.id == MEETING and engine.current.outcome is None
    assert engine.has_next_scenario is False  # the meeting scenario is still being played
    finish_meeting(engine, clock)
    assert engine.sequencer.played[-1] == MEETING
    assert store.results(session_id)[MEETING]["item_score"] == 3

    rest = play_to_the_end(engine, clock)
    assert twin["played"][:before_meeting + 1] + rest == twin["played"]
    assert started_choices(store, session_id) == twin["choices"]
    assert snapshot(engine.sequencer) == twin["final"]
    assert scores(store.results(session_id)) == scores(twin["results"])
    store.close()


def test_a_resumed_session_that_had_finished_choosing_stays_finished(db, library, twin):
    clock = ManualClock()
    store = EventStore(db)
    engine = new_session(store, library, clock).engine
    play_to_the_end(engine, clock)
    session_id = engine.session_id
    store.close()

    store = EventStore(db)
    engine = PlaySession.resume(store, session_id, library, ManualClock()).engine
    assert engine.sequencer.played == twin["played"]
    assert engine.has_next_scenario is False
    assert engine.sequencer.stop_reason == twin["stop_reason"]
    store.close()

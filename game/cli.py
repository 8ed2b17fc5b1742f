"""The `numplus` command. Every error is one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from game import APP_VERSION
from game.locales import supported_locales
from game.paths import SCENARIOS


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 2."""


def _settings():
    """The settings, or one line saying why they cannot be used."""
    from game.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


def _out_file(value: str, what: str) -> Path:
    """Where a command writes its file: a file in a folder that exists."""
    out = Path(value)
    if out.is_dir():
        raise CliError(f"--out {out}: is a folder; give the {what} to write")
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no such folder {out.parent}")
    return out


def _validate(args: argparse.Namespace) -> int:
    from game.scenario.loader import WALKTHROUGH_SUFFIX, ScenarioError, load_scenario, scenario_files
    from game.scenario.walkthrough import load_walkthrough

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise CliError(f"{path}: no such file or folder")
    problems: list[str] = []
    loaded = {}
    files = scenario_files(paths)
    for path in files:
        try:
            loaded[path] = load_scenario(path)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
    seen: dict[str, Path] = {}
    for path, scenario in loaded.items():
        if scenario.id in seen:
            from game.scenario.source import read_source

            line, col = read_source(path).position(("id",))
            problems.append(f"{path}:{line}:{col}: id: {scenario.id!r} is already used by {seen[scenario.id]}")
        seen.setdefault(scenario.id, path)
    known_ids = set(seen) | set(_bundled_ids())
    for path, scenario in loaded.items():
        measurement = scenario.scenario.measurement
        for i, other in enumerate(measurement.overlaps if measurement else []):
            if other not in known_ids:
                from game.scenario.source import read_source

                line, col = read_source(path).position(("measurement", "overlaps", i))
                problems.append(f"{path}:{line}:{col}: measurement.overlaps: no scenario {other!r}")
    walkthroughs = sorted({w for p in paths for w in ([p] if p.is_file() else p.rglob("*" + WALKTHROUGH_SUFFIX))
                           if w.name.endswith(WALKTHROUGH_SUFFIX)})
    for path in walkthroughs:
        scenario_path = path.with_name(path.name.removesuffix(WALKTHROUGH_SUFFIX) + ".yaml")
        scenario = loaded.get(scenario_path)
        if scenario is None and scenario_path.exists() and scenario_path not in files:
            try:
                scenario = load_scenario(scenario_path)
            except ScenarioError:
                scenario = None
        if scenario is None and not scenario_path.exists():
            problems.append(f"{path}:1:1: no scenario file {scenario_path.name} beside this walkthrough")
            continue
        try:
            load_walkthrough(path, scenario)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
    for problem in problems:
        print(problem)
    for path, scenario in loaded.items():
        game = scenario.scenario.apps.qa_game
        if game is not None and game.has_audio_bugs:
            print(f"{path}: note: has audio bugs (flagged so facilitators can leave it out on muted kiosks"
                  f"{'' if game.captions else '; consider captions: true'})", file=sys.stderr)
    checked = len(files) + len(walkthroughs)
    print(f"{checked} file(s) checked, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _bundled_ids() -> list[str]:
    from game.sessions import scenario_library

    return list(scenario_library([SCENARIOS]))


def _schema(args: argparse.Namespace) -> int:
    from game.scenario.models import Scenario
    from game.scenario.walkthrough import Walkthrough

    model = Walkthrough if args.walkthrough else Scenario
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _score(args: argparse.Namespace) -> int:
    from game.sessions import scenario_library
    from game.store import StoreError, read_jsonl
    from scoring.evidence import score_events

    path = Path(args.events_file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    try:
        events = read_jsonl(path)
    except (StoreError, UnicodeDecodeError) as exc:
        raise CliError(str(exc)) from None
    required = {"seq", "session", "scenario", "t_ms", "type", "payload"}
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict) or not required <= event.keys():
            raise CliError(f"{path}:{number}: not a NUM+ event (see docs/data-dictionary.md)")
    sessions = sorted({e["session"] for e in events})
    if len(sessions) > 1:
        raise CliError(f"{path} holds {len(sessions)} sessions; score one session's events.jsonl at a time")
    roots = [Path(p) for p in args.scenarios] if args.scenarios else [SCENARIOS]
    loaded_library = scenario_library(roots)
    for event in events:
        if event["type"] == "scenario_started" and event["scenario"] in loaded_library:
            if event["payload"].get("scenario_hash") != loaded_library[event["scenario"]].content_hash:
                print(f"numplus: warning: {event['scenario']} has changed since these events were logged; "
                      "scoring with the current file", file=sys.stderr)
    library = {sid: loaded.scenario for sid, loaded in loaded_library.items()}
    try:
        played = score_events(events, library)
    except KeyError as exc:
        raise CliError(f"scenario {exc.args[0]!r} of the events is not in {', '.join(map(str, roots))}") from None
    except (TypeError, AttributeError):
        raise CliError(f"{path}: events are not in the NUM+ event log format (docs/data-dictionary.md)") from None
    bank = _bank(loaded_library, args)
    from scoring.measurement import measure

    result = measure({sid: data["item_score"] for sid, data in played["scenarios"].items()}, bank)
    result["scenarios"] = played["scenarios"]
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        _print_score(result, bank)
    return 0


def _bank(library, args: argparse.Namespace):
    """The item bank in the chosen framework, with calibrated parameters when a file is given or set."""
    from scoring.framework import FrameworkError
    from scoring.measurement import load_bank
    from scoring.measurement.parameters import ParametersError

    settings = _settings()
    try:
        return load_bank(library, args.framework or settings.framework, args.parameters or settings.item_parameters)
    except (FrameworkError, ParametersError) as exc:
        raise CliError(str(exc)) from None


def _print_score(result: dict, bank) -> None:
    def scale_line(name: str, data: dict) -> str:
        if data["status"] == "not_measured":
            return f"{name}: not measured (no scored scenario)"
        probabilities = ", ".join(f"{g} {p:.0%}" for g, p in data["level_probabilities"].items())
        between = " (between two levels)" if data["between_levels"] else ""
        return (f"{name}: {data['level']}{between}, theta {data['theta']:+.2f} ± {data['se']:.2f} "
                f"[{probabilities}] from {data['n_scenarios']} scenario(s)")

    print(f"framework {result['framework']}, parameters {result['parameters_version']}")
    print(scale_line("overall", result["overall"]))
    for area_id, data in result["areas"].items():
        print("  " + scale_line(area_id, data))
    for sid, data in result["scenarios"].items():
        score = data.get("item_score")
        top = bank.items[sid].parameters.max_score if sid in bank.items else None
        shown = "not scored" if score is None else f"item score {score}/{top}"
        print(f"{sid} ({data['outcome']}, {shown})")
        for name, obs in data["observables"].items():
            print(f"  {name} [{obs['competence']}]: {obs['value']}")
        for bug in data.get("seeded_bugs", []):
            verdict = ("met" if bug["met"] else "not met") + (f", reported in {bug['report']}" if bug["reported"] else "")
            print(f"  seeded bug {bug['id']} ({bug['kind']}): {verdict}")
        if data.get("false_reports"):
            print(f"  reports matching no seeded bug: {', '.join(data['false_reports'])}")


def _calibrate(args: argparse.Namespace) -> int:
    try:
        from scoring.calibration import CalibrationError, ExportError, calibrate, read_export, write_parameters
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in {"numpy", "scipy"}:
            raise CliError("numplus calibrate needs the research extra: pip install 'numplus[research]'") from None
        raise
    export, out = Path(args.export), Path(args.out)
    if not export.is_file():
        raise CliError(f"{export}: no such file")
    if out.is_dir():
        raise CliError(f"--out {out}: is a folder; give the parameters file to write")
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no such folder {out.parent}")
    roots = [Path(p) for p in args.scenarios] if args.scenarios else [SCENARIOS]
    for root in roots:
        if not root.exists():
            raise CliError(f"--scenarios {root}: no such folder")
    from game.sessions import scenario_library

    models: dict[str, str] = {}
    max_scores: dict[str, int] = {}
    for sid, loaded in scenario_library(roots).items():
        measurement = getattr(loaded.scenario, "measurement", None)
        if measurement is None:
            continue
        models[sid] = measurement.model
        top = getattr(getattr(measurement, "item_score", None), "max_score", None)
        if isinstance(top, int):
            max_scores[sid] = top
    try:
        report = calibrate(read_export(export), models, max_scores=max_scores)
    except (ExportError, CalibrationError) as exc:
        raise CliError(str(exc)) from None
    try:
        write_parameters(report, out)
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    if not report.converged:
        print(f"numplus: warning: EM stopped after {report.cycles} cycles before converging; "
              "the estimates may be rough", file=sys.stderr)
    if args.json:
        data = report.to_dict()
        data["out"] = str(out)
        print(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    width = max([len(i) for i in report.items] + [4])
    print(f"{'item':<{width}}  model      a  {'thresholds':<23}     n  infit outfit  fit     DIF")
    for sid, item in sorted(report.items.items()):
        thresholds = " ".join(f"{b:+.2f}" for b in item.thresholds)
        fit = "MISFIT" if item.misfit else "ok"
        print(f"{sid:<{width}}  {item.model:<5} {item.discrimination:6.2f}  {thresholds:<23} {item.sample_size:5d}  "
              f"{item.infit:5.2f}  {item.outfit:5.2f}  {fit:<6}  {item.dif_class}")
        for reason in item.misfit_reasons:
            print(f"{'':<{width}}  misfit: {reason}")
    print(f"marginal reliability {report.marginal_reliability:.3f} ({report.sample_size} persons, "
          f"{report.method}, {report.cycles} EM cycles)")
    if report.provisional:
        print("provisional (not written, the authors' parameters stay):")
        for sid, reason in sorted(report.provisional.items()):
            print(f"  {sid}: {reason}")
    print(f"wrote {out} ({len(report.items)} item(s), version {report.version})")
    return 0


def _outbox():
    """The outbox, after the event store has opened (and migrated) the database, or moved an unreadable
    one aside and started anew, as the game does."""
    import sqlite3

    from game.paths import database_path
    from game.store import EventStore, StoreError
    from sync.store import Outbox

    try:
        store = EventStore(database_path())
        store.close()
        if store.moved_aside is not None:
            print(f"numplus: the database could not be read; it was moved aside to {store.moved_aside} "
                  "(nothing deleted) and a new one was started", file=sys.stderr)
        return Outbox(database_path())
    except (StoreError, OSError, sqlite3.Error) as exc:
        raise CliError(f"cannot open the outbox: {exc}") from None


def _sender(outbox):
    from sync.worker import Sender

    settings = _settings()
    if not settings.lrs_endpoint:
        raise CliError("no LRS endpoint: set lrs_endpoint in the settings or NUMPLUS_LRS_ENDPOINT")
    return Sender.to_lrs(outbox, settings.lrs_endpoint, settings.lrs_username, settings.lrs_password,
                         settings.lrs_ca_bundle)


def _progress(done: int, total: int, doing: str = "sending") -> None:
    width = 30
    filled = width * done // total if total else width
    end = "\n" if done >= total else ""
    print(f"\r{doing} {done}/{total} [{'#' * filled}{'.' * (width - filled)}]", end=end, file=sys.stderr,
          flush=True)


def _sync(args: argparse.Namespace) -> int:
    import time

    outbox = _outbox()
    sender = _sender(outbox)
    try:
        while True:
            report = sender.run_pass(ignore_backoff=True, lock_timeout=10, progress=_progress)
            if report.stopped == "locked":
                raise CliError("another sender (the game, or numplus sync) has been busy for 10 s; try again later")
            for reason in report.quarantine_reasons:
                print(f"numplus: quarantined a statement the LRS refused: {reason}", file=sys.stderr)
            print(f"sent {report.sent}, quarantined {report.quarantined}, pending {report.left}")
            if report.stopped == "empty":
                return 0
            if args.once or report.stopped != "server" or (report.retry_in or 0) > 60:
                print(f"numplus: stopped: {report.message}" + (f"; next try in {report.retry_in:.0f} s"
                                                              if report.retry_in else ""), file=sys.stderr)
                return 1
            time.sleep(report.retry_in or 1)  # a busy server: wait as asked, then go on
    finally:
        sender.transport.close()
        outbox.close()


def _status(args: argparse.Namespace) -> int:
    import time

    outbox = _outbox()
    try:
        counts = outbox.counts()
        status = {**counts, "last_success": outbox.get("last_success")}
        auth = outbox.get("auth_failed")
        wait = outbox.get("next_attempt")
        problems = {"auth": auth.split(" ", 1)[1] if auth and " " in auth else None,
                    "next_attempt_in_s": max(0.0, round(float(wait) - time.time(), 1)) if wait else None,
                    "quarantined_statements": [{"id": i, "kind": k, "reason": r}
                                               for i, k, r in outbox.quarantined()]}
    finally:
        outbox.close()
    if args.json:
        print(json.dumps({**status, **problems}, indent=2, ensure_ascii=False))
        return 0
    print(", ".join(f"{state} {n}" for state, n in counts.items()))
    print(f"last success: {status['last_success'] or 'never'}")
    if problems["auth"]:
        print(f"problem: {problems['auth']}")
    if problems["next_attempt_in_s"]:
        print(f"next try in {problems['next_attempt_in_s']:.0f} s")
    for item in problems["quarantined_statements"]:
        print(f"quarantined {item['id']} ({item['kind']}): {item['reason']}")
    return 0


def _export_outbox(args: argparse.Namespace) -> int:
    from sync.carry import export_outbox

    outbox = _outbox()
    try:
        path = Path(args.file)
        count = export_outbox(outbox, path, _kiosk_id(outbox))
    except OSError as exc:
        raise CliError(f"{args.file}: cannot write ({exc.strerror or exc})") from None
    finally:
        outbox.close()
    print(f"wrote {count} statement(s) to {path}; they stay queued here too (a resend is harmless)")
    return 0


def _kiosk_id(outbox) -> str:
    from game.settings import SettingsError, load_settings
    from sync.store import machine_kiosk_id

    try:
        configured = load_settings().kiosk_id
    except SettingsError:
        configured = None
    return configured or machine_kiosk_id(outbox.db)


def _import_outbox(args: argparse.Namespace) -> int:
    from sync.carry import CarryError, import_outbox

    outbox = _outbox()
    try:
        added, known = import_outbox(outbox, Path(args.file))
    except CarryError as exc:
        raise CliError(str(exc)) from None
    finally:
        outbox.close()
    print(f"queued {added} statement(s); {known} were already here")
    return 0


def _export(args: argparse.Namespace) -> int:
    from game.exports import ExportError, export, since_bound
    from game.paths import database_path
    from game.sessions import scenario_library

    out = _out_file(args.out, "file")
    roots = [Path(p) for p in args.scenarios] if args.scenarios else [SCENARIOS]
    for root in roots:
        if not root.exists():
            raise CliError(f"--scenarios {root}: no such folder")
    try:
        since = since_bound(args.since) if args.since is not None else None
        settings = _settings()
        parameters = settings.item_parameters if args.what == "results" else None
        shown = -1

        def progress(done: int, total: int) -> None:  # redrawn when the percentage moves, not every session
            nonlocal shown
            percent = 100 * done // total if total else 100
            if percent != shown or done == total:
                shown = percent
                _progress(done, total, "exporting")

        report = export(Path(args.database) if args.database else database_path(), args.what, args.format, out,
                        since=since, include_tests=args.include_tests,
                        library=scenario_library(roots) if args.what != "observables" else None,
                        parameters=parameters, progress=progress, texts=settings.research_texts)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    for warning in report.warnings:
        print(f"numplus: warning: {warning}", file=sys.stderr)
    if report.left_out_without_consent:
        print(f"numplus: {report.left_out_without_consent} session(s) without research consent left out "
              "(they are in --what results only)", file=sys.stderr)
    print(f"wrote {report.rows} rows ({report.sessions} sessions) to {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from game.paths import database_path
    from game.report import ReportError, write_report
    from game.sessions import scenario_library
    from game.store import EventStore

    out = _out_file(args.out, "PDF file")
    settings = _settings()
    database = database_path()
    if not database.is_file():
        raise CliError(f"unknown session {args.session_id!r} (no NUM+ database at {database})")
    store = EventStore(database)
    try:
        report = write_report(store, args.session_id, scenario_library([SCENARIOS]), settings, out, args.lang)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    measured = len(report.profile.areas)
    print(f"wrote {out} (session {report.session}: " + (f"{measured} area(s) measured)" if measured else
                                                        "nothing measured)"))
    return 0


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Bad arguments as one line (`numplus: error: ...`) and exit 2, without the usage block."""
    def error(message: str):
        print(f"numplus: error: {parser.prog.removeprefix('numplus ')}: {message} (see {parser.prog} --help)",
              file=sys.stderr)
        raise SystemExit(2)

    parser.error = error  # type: ignore[method-assign]
    return parser


def _play(args: argparse.Namespace) -> int:
    from game.sessions import PARTICIPANT_CODE

    if args.lang and args.lang not in supported_locales():
        raise CliError(f"--lang must be one of {', '.join(supported_locales())}")
    if args.participant is not None:
        args.participant = args.participant.strip().upper()
        if not PARTICIPANT_CODE.match(args.participant):
            raise CliError("--participant takes a code of 3 to 20 letters, digits or dashes (never a name)")
    if args.record and not args.scenario:
        raise CliError("--record needs --scenario: a walkthrough plays one scenario")
    if args.headless:
        if not (args.scenario and args.actions and args.out):
            raise CliError("--headless needs --scenario, --actions and --out")
        from game.ui.headless import run_headless

        return run_headless(scenario_ref=args.scenario, actions=Path(args.actions), out=Path(args.out),
                            locale=args.lang, keyboard_only=args.keyboard_only, screenshots=args.screenshots,
                            participant=args.participant, text_scale=args.text_scale,
                            research_consent=args.consent == "yes", kiosk=args.kiosk)
    if args.kiosk and args.scenario:
        raise CliError("--kiosk plays sessions from the title screen; leave out --scenario")
    from game.ui.app import run_window

    return run_window(scenario_ref=args.scenario, locale=args.lang, record=Path(args.record) if args.record else None,
                      participant=args.participant, text_scale=args.text_scale, kiosk=args.kiosk,
                      research_consent=args.consent == "yes")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="numplus", description="NUM+: measure the digital competencies jobs require.")
    parser.add_argument("--version", action="version", version=f"numplus {APP_VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play the game (in a window, or headless for tests and authors)")
    play.add_argument("--scenario", metavar="PATH_OR_ID", help="open straight on this scenario (author preview)")
    play.add_argument("--headless", action="store_true", help="play without a window, driven by --actions")
    play.add_argument("--actions", metavar="FILE", help="walkthrough file of steps to play (headless)")
    play.add_argument("--out", metavar="DIR", help="where to write events.jsonl and screenshots (headless)")
    play.add_argument("--lang", choices=list(supported_locales()), help="language of the session")
    play.add_argument("--keyboard-only", action="store_true", help="carry out clicks with the keyboard only")
    play.add_argument("--screenshots", action="store_true", help="save a PNG after every step (headless)")
    play.add_argument("--participant", metavar="CODE", help="participant code (default: a generated test code)")
    play.add_argument("--text-scale", type=int, choices=[100, 150, 200], help="text size in percent")
    play.add_argument("--record", metavar="FILE", help="write a walkthrough of what you do, by element id")
    play.add_argument("--kiosk", action="store_true",
                      help="full screen; closing, Alt+F4 and Escape do not quit; the facilitator PIN does")
    play.add_argument("--consent", choices=["yes", "no"], default="no",
                      help="research consent recorded for a headless or preview session (default: no)")
    play.set_defaults(run=_play)

    validate = sub.add_parser("validate", help="check scenario and walkthrough files, report path:line:col")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    validate.set_defaults(run=_validate)

    schema = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    schema.add_argument("--walkthrough", action="store_true", help="the walkthrough schema instead")
    schema.set_defaults(run=_schema)

    score = sub.add_parser("score", help="levels per area and overall, with their uncertainty, from an events.jsonl "
                                         "file (and each scenario's item score and observables)")
    score.add_argument("events_file", metavar="EVENTS_FILE")
    score.add_argument("--json", action="store_true", help="print JSON")
    score.add_argument("--scenarios", action="append", metavar="DIR", help="where scenarios are (default: bundled)")
    score.add_argument("--framework", metavar="ID", help="competence framework (default: settings, digcomp-2.2)")
    score.add_argument("--parameters", metavar="PARAMS.yaml",
                       help="calibrated item parameters from `numplus calibrate` (default: settings, or none)")
    score.set_defaults(run=_score)

    calibrate = sub.add_parser("calibrate", help="estimate item parameters (MML), fit and DIF from an export of "
                                                 "item scores; writes the parameters file the game loads")
    calibrate.add_argument("export", metavar="EXPORT", help="item scores, CSV or JSON Lines (session_id, "
                                                            "scenario_id, item_score, language)")
    calibrate.add_argument("--out", required=True, metavar="PARAMS.yaml", help="parameters file to write")
    calibrate.add_argument("--scenarios", action="append", metavar="DIR",
                           help="where scenarios are, for each item's model (default: bundled)")
    calibrate.add_argument("--json", action="store_true", help="print the whole report as JSON")
    calibrate.set_defaults(run=_calibrate)
    sync = sub.add_parser("sync", help="send queued results to the learning record store")
    sync.add_argument("--once", action="store_true",
                      help="one pass over what is pending now, ignoring backoff delays, then exit")
    sync.set_defaults(run=_sync)
    status = sub.add_parser("status", help="statements queued, sent and quarantined, and the last success")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(run=_status)
    export_outbox = sub.add_parser("export-outbox", help="write pending statements to one file (for a USB key)")
    export_outbox.add_argument("file", metavar="FILE")
    export_outbox.set_defaults(run=_export_outbox)
    import_outbox = sub.add_parser("import-outbox", help="queue statements from a file made by export-outbox")
    import_outbox.add_argument("file", metavar="FILE")
    import_outbox.set_defaults(run=_import_outbox)
    report = _one_line_errors(sub.add_parser(
        "report", help="a session's competence profile as a PDF (one or two pages) for the participant"))
    report.add_argument("session_id", metavar="SESSION_ID",
                        help="the session's id (or its first characters, as the facilitator's list shows them)")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write (replaced if it exists)")
    report.add_argument("--lang", choices=list(supported_locales()),
                        help="language of the report (default: the session's)")
    report.set_defaults(run=_report)
    from game.exports import FORMATS, TABLES

    export = _one_line_errors(sub.add_parser(
        "export", help="research tables (events, observables or area results) as CSV or JSON Lines, one row each"))
    export.add_argument("--what", required=True, choices=TABLES,
                        help="events: one row per event; observables: one per observable per played scenario; "
                             "results: one per area (and overall) per session")
    export.add_argument("--format", required=True, choices=FORMATS, help="CSV with a header, or JSON Lines")
    export.add_argument("--out", required=True, metavar="FILE", help="file to write (replaced if it exists)")
    export.add_argument("--since", metavar="DATE", help="sessions started on or after this date or date and time "
                                                        "(ISO 8601, UTC unless an offset is given)")
    export.add_argument("--include-tests", action="store_true",
                        help="keep TEST- sessions (author previews, headless checks), left out by default")
    export.add_argument("--database", metavar="FILE", help="a NUM+ database (default: the one in the data dir)")
    export.add_argument("--scenarios", action="append", metavar="DIR",
                        help="where scenarios are, for the item banks of results (default: bundled)")
    export.set_defaults(run=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except CliError as exc:
        print(f"numplus: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `numplus schema | head`: the reader left, nothing to say
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("NUMPLUS_DEBUG"):
            raise
        print(f"numplus: error: {type(exc).__name__}: {exc} (set NUMPLUS_DEBUG=1 for details)", file=sys.stderr)
        return 1

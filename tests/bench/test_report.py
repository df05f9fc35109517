"""Results of a scenario run on its own (`--only`) replace that scenario's rows only."""

from bench import report

ORDER = ["live", "throughput", "api", "pages"]


def result(finished_at, rows, details):
    return {"config": "embedded", "finished_at": finished_at, "rows": rows, "details": details}


def test_a_partial_run_replaces_its_scenarios_rows_and_keeps_the_others():
    full = result(
        "10:00",
        [
            {"run": "live", "scenario": "live", "measure": "p99", "value": 900},
            {"run": "api", "scenario": "api", "measure": "requests/s", "value": 80},
            {"run": "pages", "scenario": "pages", "measure": "render", "value": 211},
        ],
        {"live": {"a": 1}, "pages": {"old": True}},
    )
    again = result(
        "11:00",
        [{"run": "pages", "scenario": "pages", "measure": "render", "value": 110}],
        {"pages": {}},
    )
    merged = report.merge_partial(full, again, {"pages"}, ORDER)
    assert [(r["run"], r["value"]) for r in merged["rows"]] == [
        ("live", 900),
        ("api", 80),
        ("pages", 110),
    ]
    assert merged["finished_at"] == "10:00" and merged["reruns"] == {"pages": "11:00"}
    assert merged["details"] == {"live": {"a": 1}, "pages": {}}
    assert "Scenarios run again on their own since: pages at 11:00." in report.markdown(
        {"embedded": merged}
    )


def test_with_no_earlier_results_a_partial_run_stands_alone():
    alone = result(
        "11:00", [{"run": "api", "scenario": "api", "measure": "requests/s", "value": 80}], {}
    )
    assert report.merge_partial(None, alone, {"api"}, ORDER) is alone


def test_a_whole_run_that_measured_every_scenario_stands_alone():
    old = result("10:00", [{"run": "pages", "scenario": "pages", "measure": "r", "value": 1}], {})
    rows = [{"run": name, "scenario": name, "measure": "m", "value": 2} for name in ORDER]
    new = result("11:00", rows, {})
    assert report.result_of_run(old, new, list(ORDER), ORDER) is new


def test_a_run_stopped_midway_keeps_what_it_measured_and_the_earlier_rest():
    earlier = result(
        "10:00",
        [{"run": name, "scenario": name, "measure": "m", "value": 1} for name in ORDER],
        {},
    )
    midway = result(
        "11:00",
        [{"run": "live", "scenario": "live", "measure": "m", "value": 2}],
        {"failed": {"throughput": "TimeoutError()"}},
    )
    saved = report.result_of_run(earlier, midway, ["live"], ORDER)
    assert [(r["run"], r["value"]) for r in saved["rows"]] == [
        ("live", 2),
        ("throughput", 1),
        ("api", 1),
        ("pages", 1),
    ]
    assert saved["reruns"] == {"live": "11:00"}
    assert saved["details"]["failed"] == {"throughput": "TimeoutError()"}
    assert "The last run stopped in: throughput (TimeoutError())" in report.markdown(
        {"embedded": saved}
    )

    again = result(
        "12:00", [{"run": "throughput", "scenario": "throughput", "measure": "m", "value": 3}], {}
    )
    mended = report.result_of_run(saved, again, ["throughput"], ORDER)
    assert "failed" not in mended["details"]
    assert mended["reruns"] == {"live": "11:00", "throughput": "12:00"}


def test_a_rerun_or_a_configuration_measured_on_another_machine_says_so():
    xeon, epyc = {"cpu": "Intel Xeon", "cores": 2}, {"cpu": "AMD EPYC", "cores": 2}
    full = {**result("10:00", [], {}), "machine": xeon}
    again = {**result("11:00", [], {}), "machine": epyc}
    merged = report.merge_partial(full, again, {"api"}, ORDER)
    assert merged["reruns"] == {"api": "11:00 on another machine (AMD EPYC)"}
    assert merged["machine"] == xeon  # the rest of the table was measured there
    same = report.merge_partial(full, {**again, "machine": xeon}, {"api"}, ORDER)
    assert same["reruns"] == {"api": "11:00"}

    text = report.markdown({"embedded": full, "scaleout": {**again, "config": "scaleout"}})
    assert text.count("Machine of this run: cpu AMD EPYC, cores 2") == 1
    assert text.endswith("Machine: cpu Intel Xeon, cores 2")

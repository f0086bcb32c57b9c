"""Classifies a ceph/s3-tests run from pytest's JUnit XML against expected-failures.txt.

Usage: classify.py JUNIT_XML EXPECTED_FAILURES_TXT [DETAILS]   (DETAILS: where to read the failures' tracebacks)
A test fails the run when it fails and is not listed, or is listed (outside the [flaky] section) and passes:
the list can only shrink. Tests in the [flaky] section may pass or fail. Prints the names of every unexpected
result, then "s3-tests: N expected failures (...)" and, last, "s3-tests: N passed, N failed".
Exit status: 0 when nothing was unexpected, 1 otherwise.
"""
import sys
import xml.etree.ElementTree as ET


def node_id(case):
    # xunit1 classname "s3tests.functional.test_s3" + name "test_x[param]" -> the pytest node id.
    module = case.get("classname", "").replace(".", "/")
    return f"{module}.py::{case.get('name')}"


def read_results(path):
    """node id -> "passed" | "failed" | "skipped". A teardown error is a second <testcase> of the same name."""
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        nid = node_id(case)
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        if nid not in outcomes or outcome == "failed":
            outcomes[nid] = outcome
    return outcomes


def read_list(path):
    """(expected, flaky): node ids listed before and after the "[flaky]" line; "#" starts a comment."""
    expected, flaky, section = set(), set(), None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line == "[flaky]":
                section = flaky
                continue
            (section if section is not None else expected).add(line)
    return expected, flaky


def main():
    junit, listing = sys.argv[1], sys.argv[2]
    outcomes = read_results(junit)
    expected, flaky = read_list(listing)
    passed = [t for t, o in outcomes.items() if o == "passed" and t not in expected and t not in flaky]
    unexpected_failures = sorted(t for t, o in outcomes.items()
                                 if o == "failed" and t not in expected and t not in flaky)
    unexpected_passes = sorted(t for t, o in outcomes.items() if o == "passed" and t in expected)
    expected_failed = [t for t, o in outcomes.items() if o == "failed" and t in expected]
    flaky_seen = {o: sum(1 for t in flaky if outcomes.get(t) == o) for o in ("passed", "failed")}
    skipped = sum(1 for o in outcomes.values() if o == "skipped")
    not_run = sorted((expected | flaky) - outcomes.keys())

    for t in unexpected_failures:
        print(f"FAIL s3-tests {t} (not in expected-failures.txt)")
    for t in unexpected_passes:
        print(f"FAIL s3-tests {t} passes now: remove it from expected-failures.txt")
    if unexpected_failures and len(sys.argv) > 3:
        print(f"    tracebacks: {sys.argv[3]}")
    if not_run:
        print(f"s3-tests: {len(not_run)} listed tests did not run (stale entries or a narrowed selection):")
        for t in not_run[:10]:  # all of them in a narrowed run (-k) would drown the result
            print(f"    {t}")
        if len(not_run) > 10:
            print(f"    ... and {len(not_run) - 10} more")
    if flaky:
        print(f"s3-tests: flaky tests (allowed either way): {flaky_seen['passed']} passed, "
              f"{flaky_seen['failed']} failed")
    if skipped:
        print(f"s3-tests: {skipped} skipped by the suite itself")
    print(f"s3-tests: {len(expected_failed)} expected failures (listed in expected-failures.txt)")
    failed = len(unexpected_failures) + len(unexpected_passes)
    print(f"s3-tests: {len(passed)} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Audit the installed dependencies for known vulnerabilities with pip-audit (run by scripts/check).

Policy: a dependency with a known vulnerability fails the check (exit 1),
naming the package, the advisory and the fixed versions. When the advisory
database cannot be reached (no network, a registry mirror without advisory
data), the check says so — how many packages could not be audited and why —
and does not fail on that alone: a network error is not a finding, and the
check must run offline. Anything else pip-audit reports as an error fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent.parent / ".venv" / "bin"
NETWORK = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out",
           "Temporary failure in name resolution", "Network is unreachable", "ProxyError", "SSLError")


def main() -> int:
    """Run pip-audit over the project's environment (the project itself skipped) and judge."""
    try:
        done = subprocess.run([str(VENV / "pip-audit"), "--skip-editable", "--progress-spinner", "off",
                               "--format", "json", "--timeout", "20"],
                              capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        print("pip-audit: the advisory database did not answer in time; dependencies NOT audited")
        return 0
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        if any(marker in done.stderr for marker in NETWORK):
            print("pip-audit: the advisory database cannot be reached (network error); dependencies NOT audited")
            return 0
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    dependencies = report.get("dependencies", [])
    found = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in found:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"pip-audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    if skipped:
        print(f"pip-audit: {len(skipped)} of {len(dependencies)} packages could not be audited "
              "(the advisory database has no entry for them here, e.g. a registry mirror without "
              "advisory data)")
    print(f"pip-audit: {audited} packages audited, {len(found)} with known vulnerabilities")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench` / `python -m bench [CONFIG ...] [-- scenario options]`: run each configuration
in its own process, then write the table into docs/PERFORMANCE.md."""

import subprocess
import sys

from bench import configs, report


def main() -> int:
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    names = argv[:split] or list(configs.CONFIGS)
    options = argv[split + 1 :]
    status = 0
    for name in names:
        if name not in configs.CONFIGS:
            print(f"unknown configuration {name!r}; choose from {sorted(configs.CONFIGS)}")
            return 2
        status |= subprocess.call([sys.executable, "-m", "bench.run_config", name, *options])
    report.write_doc(report.load_all())
    print(f"results: {report.RESULTS}, table: {report.DOC}")
    return status


if __name__ == "__main__":
    sys.exit(main())

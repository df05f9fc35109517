"""A one-line progress bar for management commands, redrawn in place on a stream."""


class ProgressBar:
    """`[#####.....] 12/75`, written to `stream` (stderr, so output stays clean)."""

    def __init__(self, stream, width: int = 30, label: str = ""):
        self.stream = stream
        self.width = width
        self.label = label
        self.finished = False

    def __call__(self, done: int, total: int):
        if self.finished:
            return
        total = max(total, 1)
        filled = self.width * min(done, total) // total
        prefix = f"{self.label} " if self.label else ""
        self.stream.write(f"\r{prefix}[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.finished = True
            self.stream.write("\n")
        self.stream.flush()

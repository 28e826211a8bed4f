"""Default values shared by the library and the command line (stdlib only, so ``rukp --help`` stays fast)."""

from __future__ import annotations

#: Two-sided interval level of the bootstrap intervals.
DEFAULT_ALPHA = 0.05

#: Bootstrap resamples of the 95% intervals.
DEFAULT_RESAMPLES = 1000

#: Approximate-randomisation shuffles of a comparison.
DEFAULT_SHUFFLES = 10_000

#: Most bootstrap resamples accepted (more changes no reported digit and only costs memory and time).
MAX_RESAMPLES = 100_000

#: Most approximate-randomisation shuffles accepted (p-values to 1e-6).
MAX_SHUFFLES = 1_000_000

#: Default token-Jaccard threshold for a predicted claim to match a gold claim.
DEFAULT_THRESHOLD = 0.5

#: Label Studio push/pull: longest wait, in seconds, to connect and for any answer of the server (``--timeout``).
LS_TIMEOUT_S = 30.0

#: Label Studio push/pull: longest time, in seconds, the whole command may take (``--deadline``).
LS_DEADLINE_S = 600.0

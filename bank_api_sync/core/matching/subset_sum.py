"""Exact subset sums, bounded: which open items does one payment cover?

Meet in the middle: the candidates are split in two halves, the sums of each
half's small subsets are enumerated (pruned by the target, since all values are
positive), and the two lists are joined through a dictionary. With ``n``
candidates and subsets of at most ``k`` items the work is about
``2 * sum(C(n/2, i) for i <= k)`` steps instead of ``C(n, k)``, and a hard
``budget`` of enumerated subsets caps it whatever the input: when the budget is
spent the search says so (``complete=False``) and its answer cannot be trusted
to be the only one.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SubsetSearch:
    """Solutions as tuples of indices into the values (ascending), fewest items
    first; ``complete`` is False when the budget stopped the search."""

    solutions: tuple[tuple[int, ...], ...]
    complete: bool


class _Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int):
        self.left = steps

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _enumerate(
    indices: Sequence[int],
    values: Sequence[int],
    target: int,
    max_size: int,
    budget: _Budget,
):
    """Yield (sum, subset) for subsets of ``indices`` (sorted by value) of at
    most ``max_size`` items whose sum does not exceed ``target``, the empty one
    first. Stops silently when the budget runs out."""
    stack = [(0, (), 0)]
    while stack:
        total, chosen, start = stack.pop()
        yield total, chosen
        if len(chosen) == max_size:
            continue
        # Pushed in reverse so that smaller values are explored first.
        children = []
        for position in range(start, len(indices)):
            index = indices[position]
            new_total = total + values[index]
            if new_total > target:
                break  # values ascend: every later one overshoots too
            if not budget.spend():
                return
            children.append((new_total, (*chosen, index), position + 1))
        stack.extend(reversed(children))


def find_subsets(
    values: Sequence[int],
    target: int,
    *,
    min_size: int = 2,
    max_size: int = 4,
    max_solutions: int = 2,
    budget: int = 20_000,
) -> SubsetSearch:
    """Subsets of ``values`` (positive integers, e.g. cents) summing exactly to
    ``target``, with ``min_size`` to ``max_size`` items. Stops after
    ``max_solutions`` solutions: two are enough to know the answer is not
    unique."""
    usable = sorted(
        (index for index, value in enumerate(values) if 0 < value <= target),
        key=lambda index: (values[index], index),
    )
    if target <= 0 or not usable or max_size < min_size:
        return SubsetSearch((), True)
    steps = _Budget(budget)
    half = len(usable) // 2
    left, right = usable[:half], usable[half:]

    # sum -> size -> a few subsets of the right half (a few per size are enough
    # to find max_solutions distinct unions, and keep the join bounded).
    right_sums: dict[int, dict[int, list[tuple[int, ...]]]] = {}
    for total, subset in _enumerate(right, values, target, max_size, steps):
        same_size = right_sums.setdefault(total, {}).setdefault(len(subset), [])
        if len(same_size) < max_solutions:
            same_size.append(subset)
    complete = steps.left >= 0

    found: set[tuple[int, ...]] = set()
    for total, subset in _enumerate(left, values, target, max_size, steps):
        by_size = right_sums.get(target - total, {})
        for size in range(max(min_size - len(subset), 0), max_size - len(subset) + 1):
            for other in by_size.get(size, ()):
                found.add(tuple(sorted(subset + other)))
        if len(found) >= max_solutions:
            break
    complete = complete and steps.left >= 0
    solutions = sorted(found, key=lambda subset: (len(subset), subset))
    return SubsetSearch(tuple(solutions[:max_solutions]), complete)

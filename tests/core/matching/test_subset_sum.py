"""The bounded subset-sum search on its own."""

import time

from bank_api_sync.core.matching import find_subsets


def test_finds_the_combination():
    search = find_subsets([500, 1250, 4000, 755], 2505, max_size=3)
    assert search.solutions == ((0, 1, 3),)
    assert search.complete


def test_reports_two_solutions_when_there_are_several():
    search = find_subsets([100, 200, 300, 400], 500, max_size=2)
    assert set(search.solutions) == {(0, 3), (1, 2)}


def test_respects_size_bounds():
    assert find_subsets([1, 2, 3], 6, max_size=2).solutions == ()
    assert find_subsets([1, 2, 3], 3, min_size=1, max_size=1).solutions == ((2,),)
    assert find_subsets([1, 2, 3], 3, min_size=2).solutions == ((0, 1),)


def test_no_solution():
    search = find_subsets([2, 4, 6, 8], 7, max_size=4)
    assert search.solutions == ()
    assert search.complete


def test_ignores_values_that_cannot_take_part():
    assert find_subsets([0, -5, 10, 3, 7], 10, max_size=2).solutions == ((3, 4),)
    assert find_subsets([], 10).solutions == ()
    assert find_subsets([1, 2], 0).solutions == ()


def test_budget_bounds_the_work_and_says_so():
    values = [2 * n + 2 for n in range(200)]  # all even: an odd target is unreachable
    started = time.perf_counter()
    search = find_subsets(values, 10_001, max_size=10, budget=5_000)
    assert time.perf_counter() - started < 1.0
    assert search.solutions == ()
    assert not search.complete


def test_large_input_without_a_budget_problem_is_complete():
    values = list(range(1, 25))
    search = find_subsets(values, 1 + 2 + 24, min_size=3, max_size=3, max_solutions=50)
    assert (0, 1, 23) in search.solutions
    assert search.complete
    assert all(sum(values[i] for i in s) == 27 for s in search.solutions)

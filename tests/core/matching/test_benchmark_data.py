"""The benchmark's data generator stays deterministic and the engine stays
precise on it (a small size here; tests/bench runs the full one)."""

import importlib.util

from ...conftest import REPO_ROOT


def _load():
    path = REPO_ROOT / "tests" / "bench" / "matching_engine_data.py"
    spec = importlib.util.spec_from_file_location("matching_engine_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load()


def test_same_seed_same_data():
    first = bench.generate_dataset(200, 1000, seed=7)
    second = bench.generate_dataset(200, 1000, seed=7)
    assert first.lines == second.lines
    assert first.items == second.items
    assert first.truth == second.truth
    assert bench.generate_dataset(200, 1000, seed=8).lines != first.lines


def test_truth_refers_to_generated_items_and_covers_every_scenario():
    dataset = bench.generate_dataset(2000, 6000, seed=3)
    item_ids = {item.id for item in dataset.items}
    assert len(dataset.lines) == 2000
    assert all(truth.item_ids <= item_ids for truth in dataset.truth.values())
    assert {truth.scenario for truth in dataset.truth.values()} == set(bench.SCENARIOS)


def test_engine_on_generated_data_is_precise():
    figures = bench.run_engine_benchmark(600, 3000, seed=11, verbose=False)
    assert figures["precision"] >= 0.99, figures["wrong"][:3]
    assert figures["recall"] >= 0.7
    assert figures["best_proposal_recall"] >= 0.9


def test_a_typo_names_no_other_open_item_of_the_same_amount():
    """Else the title would name that item, and following it would be right
    by the evidence but scored wrong against the truth."""
    dataset = bench.generate_dataset(3000, 4000, seed=5)
    items = {item.id: item for item in dataset.items}
    amounts_of = {}
    for item in dataset.items:
        amounts_of.setdefault(item.move_name, set()).add(item.amount_residual)
    typos = [
        (line, items[next(iter(dataset.truth[line.id].item_ids))])
        for line in dataset.lines
        if dataset.truth[line.id].scenario == "typo"
    ]
    assert len(typos) > 50
    for line, paid in typos:
        named = line.payment_ref.removeprefix("Faktura ")
        assert named != paid.move_name
        assert line.amount not in amounts_of.get(named, set()), line.payment_ref

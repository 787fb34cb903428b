"""The message catalogue (issue #2, "contracts/"): every consumed event has a contract, and
contracts/README.md says who emits and who consumes each one, as the code does."""
import contracts
from tools import catalogue


def test_every_consumer_reads_an_event_that_has_a_contract():
    missing = [key for key in catalogue.consumers() if key not in contracts.catalogue()]
    assert missing == []


def test_the_catalogue_in_the_readme_is_up_to_date():
    assert catalogue.main(["--check"]) == 0, "run python -m tools.catalogue"

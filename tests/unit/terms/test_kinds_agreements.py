from terms.kinds import describe_term, standard_counterpart

from .builders import param_problems, parsed


def no_catalog(sku: str):
    return None


def warranty(decision: str = "decline", **more):
    return parsed(
        "option",
        name="extended_warranty",
        sku="WARR-EXT",
        decision=decision,
        terms="3 years parts and labour",
        **more,
    )


# option


def test_a_declined_option_reads_loudly():
    assert describe_term(warranty("decline"), "USD") == (
        "Extended warranty (WARR-EXT): DECLINED \N{EM DASH} 3 years parts and labour"
    )


def test_accepted_and_pending_options_read_as_such():
    assert "ACCEPTED" in describe_term(warranty("accept"), "USD")
    assert "DECISION PENDING" in describe_term(warranty("pending"), "USD")


def test_an_option_needs_a_name_and_a_decision():
    assert param_problems("option", sku="WARR-EXT") == {
        "params.name": ["is required"],
        "params.decision": ["is required"],
    }


def test_an_option_decision_is_accept_decline_or_pending():
    assert param_problems("option", name="x", decision="maybe") == {
        "params.decision": ["must be one of: accept, decline, pending"]
    }


def test_an_option_with_an_empty_name_is_refused():
    assert param_problems("option", name=" ", decision="accept") == {
        "params.name": ["must not be empty"]
    }


def test_a_minimal_option_reads_without_sku_or_terms():
    assert describe_term(parsed("option", name="training", decision="accept"), "USD") == (
        "Training: ACCEPTED"
    )


def test_an_option_departs_from_the_standard_option_of_the_same_name():
    standard = (parsed("option", name="extended_warranty", decision="pending", terms="1 year"),)

    assert standard_counterpart(warranty(), standard, no_catalog) == (
        "Extended warranty \N{EM DASH} 1 year"
    )
    assert (
        standard_counterpart(
            parsed("option", name="other", decision="accept"), standard, no_catalog
        )
        is None
    )


# clause


def test_a_clause_is_not_reviewed_on_orders_unless_asked():
    term = parsed("clause", text="Customer logo on every carton")

    assert term.params["review_on_order"] is False
    assert describe_term(term, "USD") == "Customer logo on every carton"


def test_a_clause_reviewed_on_every_order_says_so():
    term = parsed("clause", text="Customer logo on every carton", review_on_order=True)

    assert describe_term(term, "USD") == (
        "Customer logo on every carton (reviewed by fulfillment on every order)"
    )


def test_a_clause_leaving_out_review_promises_the_same_as_one_saying_false():
    assert parsed("clause", text="x") == parsed("clause", text="x", review_on_order=False)


def test_a_clause_needs_text():
    assert param_problems("clause", text="  ", review_on_order="yes") == {
        "params.text": ["must not be empty"],
        "params.review_on_order": ["must be true or false"],
    }


def test_a_clause_has_no_standard_counterpart():
    standard = (parsed("clause", text="Standard clause"),)

    assert standard_counterpart(parsed("clause", text="x"), standard, no_catalog) is None

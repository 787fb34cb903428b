"""The staff performance service (绩效): facts from the bus, the department's rules, scorecards."""
from services.staff_performance import daily_round, fact_sources, facts
from services.staff_performance.http import StaffPerformanceHttp
from services.staff_performance.models import Base
from services.staff_performance.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow


class StaffPerformanceService(StaffPerformanceHttp):
    name = "staff_performance"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    @timer(3600, "DAILY_CLOSE_SECONDS")
    def close_yesterday(self):
        self.run_daily(utcnow())

    def run_daily(self, now):
        """Judge yesterday's attendance; flag fines whose interest has run past the rules, and days
        coming near with fewer on duty than the rules ask."""
        with self.db.unit_of_work() as uow:
            daily_round.run(uow, now)

    def _record_facts(self, source, event_type, event):
        """The event's per-person facts (fact_sources.py). An event naming nobody changes nothing: no
        transaction (nothing to redo on redelivery)."""
        spec = fact_sources.source_of(source, event_type)
        found = facts.facts_of(spec, event)
        if found:
            with self.db.unit_of_work() as uow:
                facts.record(uow, spec, found)

    # -- one consumer per event in the catalogue that proves someone did something (fact_sources.py) --
    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        self._record_facts("order_review", "order_approved", event)

    @consume_event("order_review", "order_rejected")
    def on_order_rejected(self, event):
        self._record_facts("order_review", "order_rejected", event)

    @consume_event("order_review", "order_corrected")
    def on_order_corrected(self, event):
        self._record_facts("order_review", "order_corrected", event)

    @consume_event("picking_packing", "order_picked")
    def on_order_picked(self, event):
        self._record_facts("picking_packing", "order_picked", event)

    @consume_event("picking_packing", "parcel_packed")
    def on_parcel_packed(self, event):
        self._record_facts("picking_packing", "parcel_packed", event)

    @consume_event("picking_packing", "parcel_weight_mismatch")
    def on_parcel_weight_mismatch(self, event):
        self._record_facts("picking_packing", "parcel_weight_mismatch", event)

    @consume_event("shipping_labels", "label_reprinted")
    def on_label_reprinted(self, event):
        self._record_facts("shipping_labels", "label_reprinted", event)

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        self._record_facts("shipping_labels", "order_shipped", event)

    @consume_event("after_sales", "case_opened")
    def on_case_opened(self, event):
        self._record_facts("after_sales", "case_opened", event)

    @consume_event("after_sales", "case_answered")
    def on_case_answered(self, event):
        self._record_facts("after_sales", "case_answered", event)

    @consume_event("after_sales", "sla_breached")
    def on_sla_breached(self, event):
        self._record_facts("after_sales", "sla_breached", event)

    @consume_event("after_sales", "refund_paid")
    def on_refund_paid(self, event):
        self._record_facts("after_sales", "refund_paid", event)

    @consume_event("after_sales", "case_approved")
    def on_case_approved(self, event):
        self._record_facts("after_sales", "case_approved", event)

    @consume_event("after_sales", "case_rejected")
    def on_case_rejected(self, event):
        self._record_facts("after_sales", "case_rejected", event)

    @consume_event("after_sales", "case_closed")
    def on_case_closed(self, event):
        self._record_facts("after_sales", "case_closed", event)

    @consume_event("customer_retention", "follow_up_logged")
    def on_follow_up_logged(self, event):
        self._record_facts("customer_retention", "follow_up_logged", event)

    @consume_event("customer_retention", "protection_expired")
    def on_protection_expired(self, event):
        self._record_facts("customer_retention", "protection_expired", event)

    @consume_event("customer_retention", "care_task_completed")
    def on_care_task_completed(self, event):
        self._record_facts("customer_retention", "care_task_completed", event)


SERVICE = StaffPerformanceService

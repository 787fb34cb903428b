"""The buyer's parcel coming back: tracking recorded by the agent, received and inspected by
the warehouse with a return note (seed 001: 收到货后开退货单并注明退货原因)."""
from services.after_sales import flow, inspection
from services.after_sales import storage
from services.after_sales.case_actions import CaseActions, wanted_of
from services.after_sales.models import ReturnNote
from services.after_sales.replacement import replacement_order


class ReturnActions(CaseActions):
    def return_shipped(self, case_id, body):
        case, before = self.load(case_id, "return_shipped")
        self.move(case, "return_shipped")
        case.return_carrier, case.return_tracking_no = body["carrier"], body["tracking_no"]
        self.record(case, "return_shipped", before, carrier=body["carrier"], tracking_no=body["tracking_no"])
        return case

    def receive(self, case_id, body):
        """Opens the return note; with no discrepancy the return is received, else negotiation."""
        case, before = self.load(case_id, "receive")
        found = inspection.discrepancies(case.lines, case.reason, body["lines"], body["accessories_complete"],
                                         body["condition"])
        self.move(case, "receive", discrepancy=bool(found))
        self.session.add(ReturnNote(
            case_id=case.id, reason=body["reason"], lines=body["lines"],
            accessories_complete=body["accessories_complete"], condition=body["condition"], discrepancies=found,
            remarks=body["remarks"], received_by=self.actor.staff_id, received_at=self.now))
        case.return_in_hand = True
        if not found:
            accept_return(self, case)
        self.record(case, "receive", before, condition=body["condition"], discrepancies=found)
        return case


def accept_return(actions, case):
    """The goods are taken back: the warehouse restocks or writes off; an exchange sends a replacement."""
    note = storage.return_note(actions.session, case.id)
    actions.publish(case, "return_received", lines=note.lines, condition=note.condition,
                    accessories_complete=note.accessories_complete, received_by=note.received_by)
    if case.case_type == flow.EXCHANGE:
        original = storage.order(actions.session, case.order_no)
        order = replacement_order(original.order, case.id, wanted_of(case), actions.now)
        case.replacement_order_no = order["order_no"]
        actions.uow.publish("replacement_ordered", {"case_id": case.id, "original_order_no": case.order_no,
                                                    "order": order, "by": actions.actor.staff_id},
                            aggregate_id=case.order_no)

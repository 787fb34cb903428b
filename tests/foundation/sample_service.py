"""A test-only service exercising the shared plumbing without any business rules."""
import sqlalchemy as sa
from marshmallow import fields, validate
from sqlalchemy.orm import Mapped, mapped_column

from contracts import event
from contracts.base import EventSchema, Money, StrictSchema
from shared.db import make_base
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.web import Role, api
from shared.web.standard import StandardEndpoints

Base = make_base()

# Order numbers whose handler raises: a "bug" a test can fix by removing the number.
FAILING_ORDERS = set()


class ReceivedOrder(Base):
    """One row per effect: a duplicate effect would show as a second row."""
    __tablename__ = "received_orders"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.String(64))
    event_id: Mapped[str] = mapped_column(sa.String(36))


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.String(500))
    author: Mapped[str] = mapped_column(sa.String(64))


@event("sample", "note_added")
class NoteAdded(EventSchema):
    note_id = fields.Integer(required=True)
    topic = fields.String(required=True)
    text = fields.String(required=True)
    author = fields.String(required=True)


@event("sample", "order_seen")
class OrderSeen(EventSchema):
    order_no = fields.String(required=True)


class NoteIn(StrictSchema):
    topic = fields.String(required=True, validate=validate.Length(min=1, max=64))
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    amount = Money(load_default=None, validate=validate.Range(min=0, min_inclusive=False))


class SampleService(StandardEndpoints):
    name = "sample"
    db = RelayedDatabase(Base)

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        order_no = event["order"]["order_no"]
        if order_no in FAILING_ORDERS:
            raise RuntimeError(f"simulated bug on {order_no}")
        with self.db.unit_of_work() as uow:
            uow.session.add(ReceivedOrder(order_no=order_no, event_id=event["event_id"]))
            uow.publish("order_seen", {"order_no": order_no}, aggregate_id=order_no)

    @api("POST", "/notes", roles=[Role.AGENT, Role.SUPERVISOR], body=NoteIn, idempotent=True)
    def add_note(self, request, body):
        with self.db.unit_of_work() as uow:
            note = Note(topic=body["topic"], text=body["text"], author=request.identity.staff_id)
            uow.session.add(note)
            uow.session.flush()
            uow.publish("note_added", {"note_id": note.id, "topic": note.topic, "text": note.text,
                                       "author": note.author}, aggregate_id=note.topic)
            return uow.respond(201, {"id": note.id, "author": note.author})

    @api("GET", "/notes/<int:note_id>", roles=[Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
    def get_note(self, request, note_id):
        from shared.errors import NotFound
        with self.db.read() as session:
            note = session.get(Note, note_id)
            if note is None:
                raise NotFound(f"no note {note_id}")
            return {"id": note.id, "topic": note.topic, "text": note.text}

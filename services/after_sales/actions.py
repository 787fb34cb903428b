"""Every action on a case, on one desk: opening and deciding, the return, the refund."""
from services.after_sales.cases import CaseDesk
from services.after_sales.refunds import RefundDesk
from services.after_sales.returns import ReturnDesk


class AfterSalesDesk(CaseDesk, ReturnDesk, RefundDesk):
    pass

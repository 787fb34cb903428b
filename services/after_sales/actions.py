"""Every action on a case, on one desk: opening and deciding, the return, securing the goods, the refund."""
from services.after_sales.cases import CaseDesk
from services.after_sales.refunds import RefundDesk
from services.after_sales.returns import ReturnDesk
from services.after_sales.securing import SecureDesk


class AfterSalesDesk(CaseDesk, ReturnDesk, SecureDesk, RefundDesk):
    pass

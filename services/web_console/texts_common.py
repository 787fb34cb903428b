"""Words for the frame, dates and words every page shares: key -> (中文, English)."""

TEXTS = {
    "nav.menu": ("菜单", "Menu"),
    # how long: the `duration` filter
    "duration.hours": ("{hours}小时{minutes:02d}分", "{hours}h {minutes:02d}m"),
    "duration.minutes": ("{minutes}分钟", "{minutes}m"),
    # a refusal whose code the console has no words for: on an English page the service's own message
    "error.not_known": ("操作未被接受，请稍后再试或联系主管。", "{message}"),
    # what is wrong with a field (marshmallow's reasons, formatting.FIELD_REASONS)
    "field_error.required": ("必填", "required"),
    # marshmallow says "length" of a text and of a list alike
    "field_error.length": ("须为 {low}–{high} 个字符或选项", "{low} to {high} characters or choices"),
    "field_error.too_short": ("至少 {low} 个字符或选项", "at least {low} characters or choices"),
    "field_error.too_long": ("最多 {high} 个字符或选项", "at most {high} characters or choices"),
    "field_error.between": ("须在 {low} 到 {high} 之间", "from {low} to {high}"),
    "field_error.at_least": ("不能小于 {low}", "at least {low}"),
    "field_error.at_most": ("不能大于 {high}", "at most {high}"),
    "field_error.one_of": ("不是可选的值", "not one of the choices"),
    "field_error.number": ("不是有效的数字", "not a number"),
    "field_error.date": ("不是有效的日期", "not a date"),
    "field_error.unknown_field": ("不应填写此项", "not a field of this form"),
    "field_error.blank": ("不能只填空格", "must not be blank"),
    "field_error.other": ("填写不正确", "{reason}"),
    # fields a refusal may name (col.* keys name the others)
    "field.qty": ("数量", "Quantity"), "field.sku": ("商品编码", "SKU"),
    "field.phone": ("电话", "Phone"), "field.roles": ("岗位", "Roles"), "field.role": ("岗位", "Role"),
    "field.subject": ("使用方", "Subject"), "field.label": ("说明", "Label"), "field.file": ("文件", "File"),
    "field.lines": ("明细", "Lines"), "field.note": ("备注", "Note"), "field.carrier": ("快递", "Carrier"),
    "field.tracking_no": ("运单号", "Tracking number"), "field.week": ("周", "Week"),
    "field.password": ("密码", "Password"), "field.new_password": ("新密码", "New password"),
    # an account's audit (identity's audit.params)
    "audit.why.password_reset": ("因重置密码解除", "by the password reset"),
    "audit.why.lock_expired": ("锁定到期", "the lock ran out"), "audit.by_system": ("系统", "system"),
    # why a remittance statement's cell can't be read (shipping_labels' statement_cells codes)
    "remit.problem.formula": ("是公式（{text}），不是数值：请“粘贴为数值”后再导入",
                              "a formula ({text}), not a value: paste the values only"),
    "remit.problem.empty": ("空白", "empty"),
    "remit.problem.not_tracking_no": ("不是运单号：{text}（字母、数字和“-”，5 至 40 位）",
                                      "not a tracking number: {text} (letters, digits and '-', 5 to 40 of them)"),
    "remit.problem.number_too_long": ("数字太长，Excel 无法精确保存：请把该列设为文本后重新导出",
                                      "a number too long for Excel to keep exactly: make the column text and "
                                      "export again"),
    "remit.problem.not_amount": ("不是金额：{text}（以元为单位，例如 128.50）", "not an amount: {text} (yuan, e.g. 128.50)"),
    "remit.problem.too_many_decimals": ("{text} 超过两位小数：金额以元、分计，不做四舍五入",
                                        "{text} has more than two decimal places: nothing is rounded"),
    "remit.problem.amount_out_of_range": ("{amount} 不在 {low} 至 {high} 元之间", "{amount} is not from {low} to {high}"),
    "remit.problem.not_date": ("不是日期：{text}（年-月-日，例如 2026-03-05）", "not a date: {text} (e.g. 2026-03-05)"),
    "remit.problem.no_such_day": ("没有这一天：{text}", "no such day: {text}"),
    "remit.problem.day_out_of_range": ("{day} 不在 {first} 至今天（{today}）之间",
                                       "{day} is not a day from {first} to today ({today})"),
    "remit.problem.total_mismatch": ("合计行为 {stated}，明细相加为 {lines_total}",
                                     "the total row says {stated}, the lines add up to {lines_total}"),
    "remit.problem.missing_columns": ("找不到这些列：{columns}", "columns not found: {columns}"),
    "remit.problem.same_meaning": ("有两列意思相同", "two columns have this meaning"),
    "remit.problem.other": ("无法读取", "{reason}"),
}

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
    "field_error.other": ("填写不正确", "{reason}"),
    # fields a refusal may name (col.* keys name the others)
    "field.qty": ("数量", "Quantity"), "field.sku": ("商品编码", "SKU"),
    "field.phone": ("电话", "Phone"), "field.roles": ("岗位", "Roles"), "field.role": ("岗位", "Role"),
    "field.subject": ("使用方", "Subject"), "field.label": ("说明", "Label"), "field.file": ("文件", "File"),
    "field.lines": ("明细", "Lines"), "field.note": ("备注", "Note"), "field.carrier": ("快递", "Carrier"),
    "field.tracking_no": ("运单号", "Tracking number"), "field.week": ("周", "Week"),
    "field.password": ("密码", "Password"), "field.new_password": ("新密码", "New password"),
}

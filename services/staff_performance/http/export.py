"""CSV for spreadsheets: one row per scorecard figure or leaderboard row."""
from shared.web.downloads import csv_text, file_response

SCORECARD_COLUMNS = ("staff_id", "period", "from", "to", "name", "value", "target", "colour", "note")
LEADERBOARD_COLUMNS = ("team", "month", "metric", "place", "staff_id", "name", "value", "deals")


def _csv(columns, rows, filename):
    return file_response(csv_text(rows, columns, lineterminator="\n"), "text/csv", filename)


def scorecard_csv(card):
    head = {key: card[key] for key in ("staff_id", "period", "from", "to")}
    return _csv(SCORECARD_COLUMNS, [{**head, **f} for f in card["figures"]],
                f"scorecard-{card['staff_id']}-{card['period']}-{card['from']}.csv")


def leaderboard_csv(board):
    head = {key: board[key] for key in ("team", "month", "metric")}
    return _csv(LEADERBOARD_COLUMNS, [{**head, **row} for row in board["rows"]],
                f"leaderboard-{board['team']}-{board['month']}.csv")

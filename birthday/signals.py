"""Domain events of the birthday app. Other apps listen; this app never knows who.

beatles_name_rejected
    Sent when the Beatles rule (Birthday.clean, on every path: the site form, the admin,
    full_clean) refuses a name: once per submission, up to BIRTHDAY_REJECTION_LIMIT an hour per
    account and client IP (birthday.rejections).
    sender: the Birthday model
    first_name: str, last_name: str: as they would be stored (invisible characters removed)
    user: the submitting user (in the admin, the admin), or None when not known

birthday_reminders_due
    Sent by the reminder pass (`birthday.reminders.send_reminders`) once per batch of accounts
    (BATCH_SIZE, 1,000) that had any reminders due; every later pass that day sent the ones
    still due again (the receiver sends each once). The batch's transaction is open: what a
    receiver writes commits with the batch, and a receiver that raised undid its batch.
    sender: the Birthday model
    due: list of (user, reminders), in user id order, one per account with reminders due:
        user: the account whose birthdays they are (it keeps them, and chose when to be
        reminded); reminders: list of `birthday.reminders.Reminder` (birthday_id, names, born,
        date, days_left, age; `.as_json()`), by date
    now: the moment of the pass (aware datetime)
"""

from django.dispatch import Signal

beatles_name_rejected = Signal()
birthday_reminders_due = Signal()

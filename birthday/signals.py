"""Domain events of the birthday app. Other apps listen; this app never knows who.

beatles_name_rejected
    Sent when the Beatles rule (Birthday.clean, on every path: the site form, the admin,
    full_clean) refuses a name: once per submission, up to BIRTHDAY_REJECTION_LIMIT an hour per
    account and client IP (birthday.rejections).
    sender: the Birthday model
    first_name: str, last_name: str: as they would be stored (invisible characters removed)
    user: the submitting user (in the admin, the admin), or None when not known
"""

from django.dispatch import Signal

beatles_name_rejected = Signal()

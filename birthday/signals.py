"""Domain events of the birthday app. Other apps listen; this app never knows who.

beatles_name_rejected
    Sent by `BirthdayForm` when it refuses a Beatles member's name.
    sender: the form class
    first_name: str, last_name: str: as typed, without surrounding spaces (not normalized)
    user: the submitting user, or None when not known
"""

from django.dispatch import Signal

beatles_name_rejected = Signal()

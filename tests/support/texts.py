"""What the site shows and sends, as tests compare it: one place to change when a text changes.

In Russian, the default language, as a visitor without a language preference sees it.
"""

# The birthday form, when a Beatle's name is typed.
BEATLES_ERROR = "Мы тоже любим Битлз, но введите, пожалуйста, настоящее имя!"
# The Beatles alert email, for «Ринго Старр».
ALERT_SUBJECT = "Another Beatles member"
ALERT_LINE = "Ринго Старр пытался опубликовать запись!"
BEATLES_KIND = "Отклонено имя битла"
# The password reset email.
RESET_SUBJECT = "Восстановление пароля на сайте «День рождения»"
CONFIRM_SUBJECT = "Подтвердите адрес электронной почты на сайте «День рождения»"
# Messages after an edit or a delete, and the 404 page.
SAVED = "Изменения сохранены."
DELETED = "День рождения удалён."
NOT_FOUND = "Страница не найдена"

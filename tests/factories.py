"""Factories for every model the tests build, in one place."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from birthday.models import Birthday, Congratulation, Tag

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["tag"]

    tag = factory.Sequence(lambda n: f"tag{n}")


class BirthdayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Birthday
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Имя{n}")
    last_name = "Фамилия"
    birthday = dt.date(1990, 5, 17)
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class CongratulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congratulation

    text = "С днём рождения!"
    birthday = factory.SubFactory(BirthdayFactory)
    author = factory.SubFactory(UserFactory)


class AlertRecipientFactory(factory.django.DjangoModelFactory):
    """An active recipient subscribed to the Beatles alert (pass kinds=[] for none)."""

    class Meta:
        model = "alerts.AlertRecipient"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"watcher{n}@acme.not")
    name = factory.Sequence(lambda n: f"Watcher {n}")

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        if create:
            kinds = ["beatles_name_rejected"] if extracted is None else extracted
            for kind in kinds:
                self.subscriptions.create(kind=kind)

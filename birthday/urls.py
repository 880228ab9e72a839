from django.urls import path

from . import views

app_name = "birthday"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("birthday/", views.BirthdayListView.as_view(), name="list"),
    path("birthday/create/", views.BirthdayCreateView.as_view(), name="create"),
    path("birthday/<int:pk>/", views.BirthdayDetailView.as_view(), name="detail"),
    path("birthday/<int:pk>/edit/", views.BirthdayUpdateView.as_view(), name="edit"),
    path("birthday/<int:pk>/delete/", views.BirthdayDeleteView.as_view(), name="delete"),
    path(
        "birthday/<int:pk>/comment/",
        views.CongratulationCreateView.as_view(),
        name="add_comment",
    ),
]

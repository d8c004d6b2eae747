"""Calendar and RSS feeds."""

urlpatterns = []

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from committee import keep
        from search import receivers
        from search.models import INDEX_DATA
        from search.views import PARAMS

        receivers.connect()
        # A page of results is computed once per state of the index (search.receivers bumps its version) and kept.
        keep.register({"search:index": keep.KeptPage(lambda request: [INDEX_DATA], params=PARAMS)})

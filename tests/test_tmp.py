import cProfile, pstats, io, time
from django.core.management import call_command
from django.urls import reverse
from action_plans.models import ActionPlan
from governance.models import User
def test_x(client, db):
    call_command("load_demo")
    demo = ActionPlan.objects.get(level="national")
    client.force_login(User.objects.get(username="coordinator"))
    url = reverse("plan_governance", args=[demo.pk])
    for _ in range(5): client.get(url)
    t=time.perf_counter()
    for _ in range(30): client.get(url)
    print("ms per request", (time.perf_counter()-t)/30*1000)
    pr = cProfile.Profile(); pr.enable()
    for _ in range(30): client.get(url)
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(45); print(s.getvalue()[:9000])
    assert 0

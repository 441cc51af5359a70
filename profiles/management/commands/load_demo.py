from django.core.management.base import BaseCommand

from profiles.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo lab (the seed researcher plus a fictional lab). Safe to run again."

    def handle(self, *args, **options):
        tally = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo lab loaded: {tally}."))
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for username, (slug, is_admin) in DEMO_USERS.items():
            what = "lab admin (also /admin/)" if is_admin else f"member, edits /people/{slug}/"
            self.stdout.write(f"  {username:<10} {what}")

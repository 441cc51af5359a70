from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_api_tokens"),
    ]

    operations = [
        # Tokens made before scopes existed could write: they keep that scope; new ones
        # default to read-only.
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read-write", "Read and write")],
                default="read-write",
                help_text="Read-only tokens may only GET; read-write tokens may also change what their owner may.",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read-write", "Read and write")],
                default="read",
                help_text="Read-only tokens may only GET; read-write tokens may also change what their owner may.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, help_text="Empty: never expires.", null=True),
        ),
    ]

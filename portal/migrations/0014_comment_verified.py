from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_account_hardening')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Comment',
            name='verified',
            field=fields.BooleanField(default=False, description='written by a verified stakeholder: category and organisation verified'),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_throttle')]

    initial = False

    operations = [
        ops.AddField(
            model_name='EmailToken',
            name='password_hash',
            field=fields.CharField(null=True, description="for 'verify': the password hash typed at this registration", max_length=255),
        ),
        ops.AddField(
            model_name='EmailToken',
            name='name',
            field=fields.CharField(null=True, description="for 'verify': the name typed at this registration", max_length=200),
        ),
        ops.AlterField(
            model_name='ApiToken',
            name='scope',
            field=fields.CharField(description='read, write or pribadi', max_length=10),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_api_tokens')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='EmailToken',
            name='purpose',
            field=fields.CharField(description='verify, reset or email', max_length=20),
        ),
        ops.AddField(
            model_name='EmailToken',
            name='new_email',
            field=fields.CharField(null=True, description="for 'email': the address to move to", max_length=254),
        ),
    ]

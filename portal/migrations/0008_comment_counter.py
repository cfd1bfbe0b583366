from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_consultation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommentCounter',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('value', fields.IntField(default=0)),
            ],
            options={'table': 'comment_counter', 'app': 'models', 'pk_attr': 'name', 'table_description': 'The last tracking number given under a prefix (a regulation and a year).'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_thread_filter_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchOutbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=10)),
                ('ref', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'search_outbox', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A change to index, written in the same transaction as the change itself.'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_mail_queue')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('host', fields.CharField(unique=True, description="the data folder's host_id", max_length=64)),
                ('index_name', fields.CharField(description='the index directory committed last', max_length=64)),
                ('generation', fields.IntField(description='its Whoosh generation (TOC number)')),
                ('position', fields.BigIntField(default=0, description='every outbox row up to this id is applied')),
                ('pruned_to', fields.BigIntField(default=0, description='outbox rows up to this id deleted by this host')),
                ('updated_at', fields.DatetimeField(description='last commit or heartbeat', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'search_state', 'app': 'models', 'pk_attr': 'id', 'table_description': "One host's search index, written by its indexer at each commit."},
            bases=['Model'],
        ),
    ]

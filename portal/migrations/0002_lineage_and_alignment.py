from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AlignmentRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('from_version', fields.ForeignKeyField('models.Version', source_field='from_version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('to_version', fields.ForeignKeyField('models.Version', source_field='to_version_id', db_constraint=True, to_field='id', related_name='alignment_rows', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('old_path', fields.CharField(null=True, max_length=255)),
                ('new_path', fields.CharField(null=True, max_length=255)),
                ('kind', fields.CharField(max_length=20)),
                ('score', fields.FloatField()),
            ],
            options={'table': 'alignment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One line of the alignment computed when ``to_version`` was published.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Version',
            name='previous',
            field=fields.ForeignKeyField('models.Version', source_field='previous_id', null=True, description='the version this one was aligned with when it was published', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Version',
            name='status',
            field=fields.CharField(default='published', description='published, or superseded by a later version', max_length=20),
        ),
    ]

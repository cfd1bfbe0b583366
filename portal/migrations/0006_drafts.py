from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_email_change')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WorkingDraft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(db_index=True, max_length=100)),
                ('versi', fields.CharField(max_length=50)),
                ('title', fields.TextField(default='', unique=False)),
                ('source', fields.TextField(description='the current Raperda Markdown, possibly not yet valid', unique=False)),
                ('revision', fields.IntField(default=1, description='raised by every save: optimistic locking')),
                ('status', fields.CharField(default='open', description='open, published or discarded', max_length=20)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('version', fields.ForeignKeyField('models.Version', source_field='version_id', null=True, description='the version it became when published', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'working_draft', 'app': 'models', 'pk_attr': 'id', 'table_description': "A regulation's next version while drafters work on it (its front matter names it)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AlignmentCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('draft', fields.ForeignKeyField('models.WorkingDraft', source_field='draft_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('old_path', fields.CharField(null=True, max_length=255)),
                ('new_path', fields.CharField(null=True, max_length=255)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'alignment_correction', 'app': 'models', 'pk_attr': 'id', 'table_description': "A drafter's correction of the automatic alignment: old path → new path."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DraftRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('draft', fields.ForeignKeyField('models.WorkingDraft', source_field='draft_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('revision', fields.IntField()),
                ('source', fields.TextField(unique=False)),
                ('note', fields.CharField(default='', max_length=300)),
                ('saved_by', fields.ForeignKeyField('models.User', source_field='saved_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('saved_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'draft_revision', 'app': 'models', 'unique_together': (('draft', 'revision'),), 'pk_attr': 'id', 'table_description': 'One save of a working draft: who, when, the whole text.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Version',
            name='anonim_boleh',
            field=fields.BooleanField(default=True, description='anonymous comments allowed'),
        ),
        ops.AddField(
            model_name='Version',
            name='moderasi',
            field=fields.CharField(default='pasca', description='pra or pasca (moderation)', max_length=10),
        ),
        ops.AddField(
            model_name='Version',
            name='published_by',
            field=fields.ForeignKeyField('models.User', source_field='published_by_id', null=True, description='who published it (empty: imported from the command line)', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]

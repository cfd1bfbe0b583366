from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_drafts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CampaignGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('models.Version', source_field='version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('size', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'campaign_group', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Near-identical comments (a form letter): counted per signer, answerable as one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, description='tracking number, e.g. JSK-2026-000123', max_length=40)),
                ('version', fields.ForeignKeyField('models.Version', source_field='version_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(default='', description='empty: the version as a whole', max_length=255)),
                ('lineage', fields.CharField(null=True, description="the provision's lineage, to follow it", max_length=36)),
                ('wording', fields.TextField(default='', description="the provision's text when the comment was made", unique=False)),
                ('parent', fields.ForeignKeyField('models.Comment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('position', fields.CharField(null=True, max_length=20)),
                ('replacement', fields.TextField(default='', description='proposed wording', unique=False)),
                ('category', fields.CharField(default='lainnya', max_length=40)),
                ('organisation', fields.CharField(default='', max_length=200)),
                ('region', fields.CharField(default='', max_length=60)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(default='', max_length=200)),
                ('email', fields.CharField(default='', description='for the receipt and the answer', max_length=254)),
                ('show_name', fields.BooleanField(default=False, description='consent to publish the name')),
                ('status', fields.CharField(default='terbit', description='menunggu, terbit or disembunyikan', max_length=20)),
                ('hidden_reason', fields.TextField(default='', unique=False)),
                ('group', fields.ForeignKeyField('models.CampaignGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.SET_NULL)),
                ('signature', fields.JSONField(default=list, description='MinHash of the text, for near duplicates', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('attachment_name', fields.CharField(default='', description='the file name as uploaded', max_length=200)),
                ('attachment_key', fields.CharField(default='', description="the stored file's random name", max_length=64)),
                ('attachment_type', fields.CharField(default='', max_length=100)),
                ('attachment_size', fields.IntField(default=0)),
                ('submission_key', fields.CharField(unique=True, description='one comment per form shown', max_length=64)),
                ('receipt_hash', fields.CharField(default='', description='SHA-256 of the receipt token', max_length=64)),
                ('ip_hash', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('answered_at', fields.DatetimeField(null=True, description='when the latest answer was given', auto_now=False, auto_now_add=False)),
                ('disposition', fields.CharField(null=True, description="the latest answer's disposition", max_length=30)),
                ('redacted_at', fields.DatetimeField(null=True, description='personal data removed on request', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment', 'app': 'models', 'indexes': [Index(fields=['version_id', 'path']), Index(fields=['lineage']), Index(fields=['email']), Index(fields=['ip_hash', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One comment (or a reply to one) on a provision of a version, or on the version.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommentBand',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version_id', fields.IntField()),
                ('band', fields.CharField(max_length=24)),
                ('comment', fields.ForeignKeyField('models.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'comment_band', 'app': 'models', 'indexes': [Index(fields=['version_id', 'band'])], 'pk_attr': 'id', 'table_description': "One LSH band of a comment's MinHash: comments sharing a band are compared."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Response',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('models.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.CASCADE)),
                ('disposition', fields.CharField(max_length=30)),
                ('reason', fields.TextField(unique=False)),
                ('new_path', fields.CharField(default='', description='the provision in the new version', max_length=255)),
                ('new_versi', fields.CharField(default='', max_length=50)),
                ('responder', fields.ForeignKeyField('models.User', source_field='responder_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'comment_response', 'app': 'models', 'pk_attr': 'id', 'table_description': "The drafters' answer to a comment: a disposition, reasons, where the text went."},
            bases=['Model'],
        ),
    ]

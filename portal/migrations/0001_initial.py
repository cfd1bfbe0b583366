from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Regulation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=100)),
                ('jenis', fields.CharField(max_length=200)),
                ('daerah', fields.CharField(max_length=200)),
                ('tentang', fields.TextField(unique=False)),
                ('pembentuk', fields.CharField(max_length=200)),
                ('pemrakarsa', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'regulation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One draft regulation (a slug), across all its versions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Version',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('regulation', fields.ForeignKeyField('models.Regulation', source_field='regulation_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('versi', fields.CharField(max_length=50)),
                ('label', fields.CharField(max_length=200)),
                ('tanggal', fields.DateField()),
                ('tahap', fields.CharField(null=True, max_length=20)),
                ('nomor', fields.CharField(null=True, max_length=50)),
                ('tahun', fields.IntField(null=True)),
                ('konsultasi_buka', fields.DateField(null=True)),
                ('konsultasi_tutup', fields.DateField(null=True)),
                ('source', fields.TextField(description='canonical Raperda Markdown of this version', unique=False)),
                ('checksum', fields.CharField(description='SHA-256 of source, hex', max_length=64)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('pasal_count', fields.IntField(default=0)),
                ('lint_matikan', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'version', 'app': 'models', 'unique_together': (('regulation', 'versi'),), 'pk_attr': 'id', 'table_description': 'One published version of a regulation: immutable once stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Provision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('models.Version', source_field='version_id', db_constraint=True, to_field='id', related_name='provisions', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(description='index in document order')),
                ('path', fields.CharField(max_length=255)),
                ('parent_path', fields.CharField(null=True, max_length=255)),
                ('kind', fields.CharField(max_length=20)),
                ('number', fields.CharField(null=True, max_length=30)),
                ('heading', fields.TextField(null=True, unique=False)),
                ('text', fields.TextField(unique=False)),
                ('marker', fields.CharField(null=True, max_length=30)),
                ('line', fields.IntField()),
                ('lineage', fields.CharField(null=True, description='identity carried across versions by the alignment', max_length=36)),
            ],
            options={'table': 'provision', 'app': 'models', 'unique_together': (('version', 'path'),), 'pk_attr': 'id', 'table_description': "One node of a version's tree, stored flat in document order."},
            bases=['Model'],
        ),
    ]

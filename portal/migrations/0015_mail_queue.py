from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0014_comment_verified')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='MailMessage',
            name='status',
            field=fields.CharField(default='pending', description='pending, sent, dihapus (redacted: never sent)', max_length=10),
        ),
        ops.AddField(
            model_name='MailMessage',
            name='priority',
            field=fields.SmallIntField(default=1, description='0 account mail (sent first), 1 receipts and answers'),
        ),
        ops.AddField(
            model_name='MailMessage',
            name='claimed_by',
            field=fields.CharField(null=True, description='the sender round that holds the message', max_length=40),
        ),
        ops.AddField(
            model_name='MailMessage',
            name='claimed_until',
            field=fields.DatetimeField(null=True, description='end of the claim: past it another sender may take it', auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='MailMessage',
            index=Index(fields=['status', 'priority', 'id']),
        ),
    ]

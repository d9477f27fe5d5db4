"""Demo data: regions, one account per role, the seeded committees, the effective routing paths
from each demo unit up to its plan's committee, and one complete declaration submitted to the
Weifang and the Weihai demo unit (so each one's queue has something to review). Two more chains
have HR bureaus as levels: freelancers (个人代理) of 潍城区 declare through 潍城区人社局, which
reports to the Weifang reporting department (S0 二.3(5)); and Huzhou's unit → 主管部门 →
人社部门 (审核推荐) → committee (S3 四). The committee stage (demo.committee_stage): each
committee's pool of experts (expert1 and expert2 among Weifang's), members for the year, a fee
of 200 元 on the Weifang engineering plan, and 孙七's declaration carried through the chain and
the committee to its certificate: 孙七's history (with the Weifang engineering office's pool and
fee that it relies on) is replayed through the real services on a simulated calendar in
October–November 2026, inside the plan's window, so that a fresh demo shows a finished
declaration; nothing else is dated in the past (see demo.committee_stage). Safe to run again:
a second run changes nothing.

The tables are here; the builders (demo.people, demo.catalog, demo.fill) are shared with the
benchmark and the tests."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applicants.models import AccountKind, IdType
from applicants.services import agree_commitment
from applicants.validators import birth_date_and_gender
from declarations import services as declaration_services
from declarations.models import Declaration, Plan
from demo import catalog, committee_stage, fill, people
from institutions.models import OrgKind

DEMO_PASSWORD = "Demo@2026"
ADMIN_PASSWORD = "Admin@2026"

REGIONS = [
    ("370000", "山东省", None),
    ("370700", "潍坊市", "370000"),
    ("370702", "潍城区", "370700"),
    ("370705", "奎文区", "370700"),
    ("371000", "威海市", "370000"),
    ("371002", "环翠区", "371000"),
    ("371003", "文登区", "371000"),
    ("330000", "浙江省", None),
    ("330500", "湖州市", "330000"),
    ("330502", "吴兴区", "330500"),
    ("330503", "南浔区", "330500"),
    ("330521", "德清县", "330500"),
    ("330522", "长兴县", "330500"),
    ("330523", "安吉县", "330500"),
]

# (username, organization name, kind, region code, uscc, contact)
ORGANIZATIONS = [
    (
        "wf_unit",
        "潍坊华东机械制造有限公司",
        OrgKind.UNIT,
        "370702",
        "91370702MA3C4D5E6L",
        ("李经办", "13905360001"),
    ),
    (
        "wh_unit",
        "威海市环翠区文化馆",
        OrgKind.UNIT,
        "371002",
        "12371002493001234P",
        ("王经办", "13906310001"),
    ),
    (
        "wc_gxj",
        "潍坊市潍城区工业和信息化局",
        OrgKind.SUPERVISING,
        "370702",
        "11370702004123456W",
        ("赵主管", "13905360002"),
    ),
    (
        "wf_gxj",
        "潍坊市工业和信息化局",
        OrgKind.REPORTING,
        "370700",
        "113707000041234560",
        ("钱呈报", "13905360003"),
    ),
    (
        "hc_wlj",
        "威海市环翠区文化和旅游局",
        OrgKind.SUPERVISING,
        "371002",
        "113710020041234565",
        ("陈主管", "13906310002"),
    ),
    (
        "wh_wlj",
        "威海市文化和旅游局",
        OrgKind.REPORTING,
        "371000",
        "113710000041234568",
        ("褚呈报", "13906310003"),
    ),
    (
        "wc_rsj",
        "潍坊市潍城区人力资源和社会保障局",
        OrgKind.HR_BUREAU,
        "370702",
        "",
        ("孙人社", "13905360004"),
    ),
    (
        "hc_rsj",
        "威海市环翠区人力资源和社会保障局",
        OrgKind.HR_BUREAU,
        "371002",
        "",
        ("周人社", "13906310004"),
    ),
    (
        "hz_rsj",
        "湖州市人力资源和社会保障局",
        OrgKind.HR_BUREAU,
        "330500",
        "",
        ("吴人社", "13957200004"),
    ),
    (
        "hz_unit",
        "湖州吴兴华创智能装备有限公司",
        OrgKind.UNIT,
        "330502",
        "91330502MA2B3C4D58",
        ("沈经办", "13957200001"),
    ),
    (
        "wx_jxj",
        "湖州市吴兴区经济和信息化局",
        OrgKind.SUPERVISING,
        "330502",
        "",
        ("韩主管", "13957200002"),
    ),
    (
        "wx_rsj",
        "湖州市吴兴区人力资源和社会保障局",
        OrgKind.HR_BUREAU,
        "330502",
        "",
        ("杨人社", "13957200003"),
    ),
    (
        "hz_office",
        "湖州市职业资格指导服务中心",
        OrgKind.COMMITTEE_OFFICE,
        "330500",
        "",
        ("朱中心", "13957200005"),
    ),
    (
        "wf_gc_office",
        "潍坊市工程技术职务资格中级评审委员会办公室",
        OrgKind.COMMITTEE_OFFICE,
        "370700",
        "",
        ("郑办公室", "13905360005"),
    ),
    (
        "hc_qw_office",
        "威海市环翠区群众文化专业职务资格初级评审委员会办公室",
        OrgKind.COMMITTEE_OFFICE,
        "371002",
        "",
        ("冯办公室", "13906310005"),
    ),
]

COMMITTEES = [
    (
        "潍坊市工程技术职务资格中级评审委员会",
        "engineering",
        "intermediate",
        "370700",
        "wf_gc_office",
    ),
    (
        "威海市环翠区群众文化专业职务资格初级评审委员会",
        "mass_culture",
        "junior",
        "371002",
        "hc_qw_office",
    ),
    (
        "湖州市工程技术中级职务任职资格评审委员会",
        "engineering",
        "intermediate",
        "330500",
        "hz_office",
    ),
]
HUZHOU_COMMITTEE = "湖州市工程技术中级职务任职资格评审委员会"

# Effective routing paths, so a declaration can travel unit → supervising → reporting → committee
# for both demo plans: (organization's account, series, level, target's account or committee name).
PATHS = [
    ("wf_unit", "engineering", "intermediate", "wc_gxj"),
    ("wc_gxj", "engineering", "intermediate", "wf_gxj"),
    ("wf_gxj", "engineering", "intermediate", "潍坊市工程技术职务资格中级评审委员会"),
    ("wh_unit", "mass_culture", "junior", "hc_wlj"),
    ("hc_wlj", "mass_culture", "junior", "wh_wlj"),
    ("wh_wlj", "mass_culture", "junior", "威海市环翠区群众文化专业职务资格初级评审委员会"),
    # 个人代理: the 潍城区 HR bureau, declaring unit of the district's freelancers, reports to the
    # Weifang reporting department.
    ("wc_rsj", "engineering", "intermediate", "wf_gxj"),
    # Huzhou: unit → 主管部门 → 人社部门 (审核推荐) → the city's committee.
    ("hz_unit", "engineering", "intermediate", "wx_jxj"),
    ("wx_jxj", "engineering", "intermediate", "wx_rsj"),
    ("wx_rsj", "engineering", "intermediate", HUZHOU_COMMITTEE),
]

APPLICANTS = [
    # username, name, resident ID, phone
    ("zhangsan", "张三", "370702198503151232", "13800000001"),
    ("lisi", "李四", "371002199207082049", "13800000002"),
    ("wangwu", "王五", "370702198806121356", "13800000003"),
    ("zhaoliu", "赵六", "371002199503182466", "13800000004"),
    # A freelancer of 潍城区 (个人代理 through wc_rsj) and an engineer of hz_unit (Huzhou).
    ("qianqi", "钱七", "370702199005121537", "13800000005"),
    ("sunba", "孙八", "330521199108202437", "13800000006"),
    # An engineer of wf_unit whose declaration has gone all the way to its certificate (CERTIFIED).
    ("sunqi", "孙七", "370702198709162316", "13800000007"),
]

# Complete declarations, submitted and waiting in the declaring unit's queue:
# (applicant, the plan's series code, the declaring unit's account). zhangsan and lisi have none:
# they are left to fill theirs from scratch (the browser tests do).
DECLARATIONS = [
    ("wangwu", "engineering", "wf_unit"),
    ("zhaoliu", "mass_culture", "wh_unit"),
]

# The declaration whose history through the chain and the committee stage to its certificate
# is replayed on a simulated calendar (demo.committee_stage): (applicant, series, the accounts
# of the chain from the declaring unit up to the reporting department, the committee office's
# account, its 批准文号).
CERTIFIED = (
    "sunqi",
    "engineering",
    ("wf_unit", "wc_gxj", "wf_gxj"),
    "wf_gc_office",
    "潍人社职字〔2026〕12号",
)


class Command(BaseCommand):
    help = (
        "Load demo regions, organizations, committees, one account per role, a submitted "
        "declaration in each demo unit's queue, each committee's experts and 孙七's declaration "
        "with its certificate, replayed on a simulated calendar in 2026 (idempotent)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            applicants, plans, offices, accounts, committees, committee_offices = self._base()
        # 孙七's history: each step its own transaction at its simulated moment.
        certificate = self._certified_declaration(applicants, plans, offices, accounts)
        with transaction.atomic():
            self._expert_pools(committees, committee_offices, accounts)
            _username, series_code, _chain, office, _number = CERTIFIED
            committee_stage.charge_fee(actor=accounts[office], plan=plans[series_code])

        self._finish_background_work()

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if certificate is not None:
            self.stdout.write(committee_stage.describe(certificate))

    def _finish_background_work(self):
        """Check the uploads and draw the documents the seeding queued, here and now, as the
        worker would: with REDIS_URL set the tasks wait in the broker for a worker that may not
        run yet, and the demo would show files 检查中 and forms 生成中 until it does (the queued
        messages find the work done and do nothing). Without Redis they ran eagerly already."""
        from attachments import services as attachment_services
        from attachments.models import Attachment
        from documents import services as document_services
        from documents.models import DocumentStatus, GeneratedDocument

        checking = Attachment.objects.filter(status=Attachment.Status.CHECKING)
        for pk in checking.values_list("pk", flat=True):
            attachment_services.check_attachment(attachment_id=pk)
        waiting = GeneratedDocument.objects.filter(
            status__in=(DocumentStatus.PENDING, DocumentStatus.RENDERING)
        )
        for pk, generation in waiting.values_list("pk", "generation"):
            document_services.render_document(document_id=pk, generation=generation)

    def _base(self):
        """Everything on the real calendar but the committee stage."""
        regions = {}
        for code, name, parent in REGIONS:
            regions[code] = people.region(code, name, regions.get(parent))
        levels, series = catalog.load_levels_and_series()

        admin = people.account("admin", "系统管理员", AccountKind.ADMINISTRATOR, ADMIN_PASSWORD)
        if not (admin.is_staff and admin.is_superuser):
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])

        offices = {}
        accounts = {}
        for username, name, kind, region_code, uscc, (contact, phone) in ORGANIZATIONS:
            offices[username] = people.organization(
                name, kind, regions[region_code], uscc=uscc, contact=(contact, phone)
            )
            accounts[username] = people.member(
                offices[username], username, contact, DEMO_PASSWORD, phone
            )

        committees = {}
        committee_offices = {}
        for name, series_code, level_code, region_code, office in COMMITTEES:
            committee_offices[name] = office
            committees[name] = people.committee(
                name, series[series_code], levels[level_code], regions[region_code], offices[office]
            )

        catalog.load_catalog()
        plans = {plan.series.code: plan for plan in catalog.load_plans(regions, committees)}
        catalog.engineering_plan(regions["330500"], committees[HUZHOU_COMMITTEE])

        for username, series_code, level_code, destination in PATHS:
            committee = committees.get(destination)
            decider = committee_offices[destination] if committee else destination
            people.effective_path(
                offices[username],
                series[series_code],
                levels[level_code],
                target=None if committee else offices[destination],
                committee=committee,
                applied_by=accounts[username],
                decided_by=accounts[decider],
            )

        applicants = {}
        for username, name, id_number, phone in APPLICANTS:
            user = people.account(username, name, AccountKind.PERSONAL, DEMO_PASSWORD, phone)
            if user.id_number != id_number:
                user.id_type = IdType.RESIDENT_ID
                user.id_number = id_number
                user.birth_date, user.gender = birth_date_and_gender(id_number)
                user.save(update_fields=["id_type", "id_number", "birth_date", "gender"])
            applicants[username] = user

        for username, series_code, unit in DECLARATIONS:
            self._submitted_declaration(applicants[username], plans[series_code], offices[unit])

        return applicants, plans, offices, accounts, committees, committee_offices

    def _expert_pools(self, committees, committee_offices, accounts):
        """Each committee's pool, members for its plans' years and this year (on the real
        calendar; the replay has readied the Weifang engineering office's already)."""
        this_year = timezone.localdate().year
        for name, committee in committees.items():
            office = committee_offices[name]
            years = {plan.year for plan in Plan.objects.filter(committee=committee)}
            committee_stage.expert_pool(
                office_account=office,
                actor=accounts[office],
                committee=committee,
                years=years | {this_year},
                password=DEMO_PASSWORD,
            )

    def _certified_declaration(self, applicants, plans, offices, accounts):
        """孙七's declaration, submitted and carried by the chain's accounts and the committee
        office to its certificate on the simulated calendar (demo.committee_stage.Replay); the
        certificate, or None when the replay could not run."""
        username, series_code, chain, office, approval_number = CERTIFIED
        plan = plans[series_code]
        committee = plan.committee

        def prepare():
            committee_stage.expert_pool(
                office_account=office,
                actor=accounts[office],
                committee=committee,
                years={timezone.localdate().year},
                password=DEMO_PASSWORD,
            )
            committee_stage.charge_fee(actor=accounts[office], plan=plan)

        def submit():
            return self._submitted_declaration(applicants[username], plan, offices[chain[0]])

        return committee_stage.Replay(
            prepare=prepare,
            submit=submit,
            chain=[(offices[account], accounts[account]) for account in chain],
            office_user=accounts[office],
            say=self.stdout.write,
            approval_number=approval_number,
        ).run()

    def _submitted_declaration(self, applicant, plan, unit):
        """The applicant's complete declaration of the plan, submitted to the unit; left as it is
        (whatever its state) once the applicant has one, which is returned."""
        agree_commitment(actor=applicant)
        existing = Declaration.objects.filter(applicant=applicant, plan=plan).first()
        if existing is not None:
            return existing
        if not plan.is_open():
            window = " ～ ".join(
                timezone.localtime(t).strftime("%Y-%m-%d %H:%M")
                for t in (plan.opens_at, plan.closes_at)
            )
            self.stdout.write(
                f"“{plan}”不在申报时间内（{window}），未生成{applicant.name}的演示申报。"
            )
            return None
        declaration = declaration_services.create_declaration(actor=applicant, plan=plan)
        fill.fill_declaration(declaration, unit)
        declaration_services.submit_declaration(actor=applicant, declaration=declaration)
        self.stdout.write(f"{applicant.name}的申报（{plan}）已提交至{unit.name}，等待审核。")
        return declaration

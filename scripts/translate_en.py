#!/usr/bin/env python3
# ruff: noqa: E501  (the dictionary holds whole sentences, one per line)
"""Fill the English catalog (locale/en/LC_MESSAGES/django.po) from a dictionary kept here.

Chinese is the source language: every msgid is Chinese and this file holds its English.
Standard library only, no network, deterministic output, so it is safe to run in CI and to
commit what it writes.

Workflow (also what `make messages` should do):

    .venv/bin/python manage.py makemessages -l en --no-obsolete \
        --ignore='.venv/*' --ignore='var/*' --ignore='tests/*'
    .venv/bin/python scripts/translate_en.py          # fill msgstr, list what is missing
    .venv/bin/python manage.py compilemessages -l en --ignore='.venv/*'

When it lists untranslated msgids, add them to TRANSLATIONS below and run it again.
The dictionary is authoritative: a msgid found here always gets this English (a changed
entry here updates the catalog). Entries not found here keep whatever msgstr they have, so a
translation typed directly into the .po survives, but it belongs here.

Keys are the exact msgid; for a msgctxt entry use "context\\x04msgid". Plural entries
(ngettext / blocktranslate count) map to a tuple (singular, plural).

Options:
    --check   do not write; exit 1 if any entry is untranslated or a placeholder is broken
    PATH      another .po file (default: the English catalog of this project)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PO = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"

# fmt: off
TRANSLATIONS: dict[str, str | tuple[str, str]] = {
    # --- site frame (templates/base.html, includes) ---
    "职称申报评审平台": "Professional Title Platform",
    "职称申报评审平台 管理后台": "Professional Title Platform Administration",
    "首页": "Home",
    "菜单": "Menu",
    "退出": "Sign out",
    "技术支持请联系所属地人社部门": "For technical support, contact your local human resources and social security department",
    "请按提示修改标红的项目。": "Please correct the fields marked in red.",
    "分页": "Pagination",
    "上一页": "Previous",
    "下一页": "Next",

    # --- app names ---
    "申报人与账号": "Applicants and accounts",
    "附件": "Attachments",
    "职称申报": "Title applications",
    "单位与部门": "Units and departments",
    "审核与评审": "Review and evaluation",

    # --- navigation and roles (applicants/context_processors.py) ---
    "申报人": "Applicant",
    "我的首页": "My home",
    "专业技术职称": "Professional titles",
    "基本信息": "Basic information",
    "系统管理员": "System administrator",
    "管理首页": "Admin home",
    "单位（部门）": "Organizations",
    "创建部门账号": "Add department",
    "管理后台": "Admin site",
    "单位首页": "Unit home",
    "权限审核": "Permission review",
    "单位信息": "Unit information",

    # --- admin ---
    "身份信息": "Identity",
    "权限": "Permissions",
    "时间": "Dates",

    # --- accounts: forms ---
    "验证码": "Verification code",
    "验证码不正确，请重新输入。": "The verification code is incorrect. Please enter it again.",
    "看不清？点击图片换一张。": "Can't read it? Click the picture for a new one.",
    "密码": "Password",
    "至少8位，不能全为数字，不能与用户名、姓名相近。": "At least 8 characters, not all digits, and not similar to your username or name.",
    "确认密码": "Confirm password",
    "两次输入的密码不一致。": "The two passwords do not match.",
    "用户名 / 证件号码 / 手机号": "Username / ID number / mobile number",
    "账号或密码不正确。连续5次输入错误，账号将被锁定15分钟。": "Incorrect account or password. After 5 wrong attempts in a row the account is locked for 15 minutes.",
    "该账号已停用，请联系管理员。": "This account has been disabled. Please contact the administrator.",
    "密码连续输入错误5次，账号已被锁定，请于 %(when)s 后再试，或通过“忘记密码”重置密码。": "The password was entered wrongly 5 times in a row and the account is locked. Please try again after %(when)s, or reset your password with “Forgot password”.",
    "姓名": "Name",
    "请填写证件上的姓名，注册确认后不能修改。": "Enter your name as shown on your ID. It cannot be changed after registration is confirmed.",
    "证件类型": "ID type",
    "证件号码": "ID number",
    "注册确认后不能修改；每个证件号码只能注册一个账号。": "Cannot be changed after registration is confirmed; each ID number can register only one account.",
    "手机号码": "Mobile number",
    "用于找回密码，请填写本人常用手机号。": "Used to recover your password. Enter the mobile number you use regularly.",
    "用户名": "Username",
    "以字母开头，4至30位字母、数字或下划线。": "Starts with a letter; 4 to 30 letters, digits or underscores.",
    "请填写完整姓名。": "Please enter your full name.",
    "该手机号码已被其他个人账号使用。": "This mobile number is already used by another personal account.",
    "该用户名已被使用，请换一个。": "This username is already taken. Please choose another.",
    "该用户名与已注册的证件号码相同，请换一个。": "This username is the same as a registered ID number. Please choose another.",
    "该证件号码与其他账号的用户名相同，无法作为登录账号，请联系平台技术支持。": "This ID number is the same as another account's username, so it cannot be used to sign in. Please contact the platform's technical support.",
    "该证件号码已注册账号，每个证件号码只能注册一个账号。如忘记用户名或密码，请使用“忘记密码”找回。": "An account is already registered with this ID number, and each ID number can register only one account. If you forgot your username or password, use “Forgot password”.",
    "电子邮箱": "Email",
    "民族": "Ethnicity",
    "出生日期": "Date of birth",
    "性别": "Gender",
    "短信验证码": "SMS code",
    "验证码为6位数字。": "The code is 6 digits.",

    # --- accounts: models ---
    "居民身份证": "Resident ID card",
    "护照": "Passport",
    "男": "Male",
    "女": "Female",
    "个人账号": "Personal account",
    "单位（部门）账号": "Unit (department) account",
    "账号类型": "Account type",
    "用户": "User",
    "该证件号码已注册账号，每个证件号码只能注册一个账号。": "An account is already registered with this ID number; each ID number can register only one account.",
    "承诺书版本": "Commitment version",
    "同意时间": "Agreed at",
    "IP 地址": "IP address",
    "承诺书签署记录": "Commitment signatures",
    "找回密码验证码": "Password reset codes",
    "待发送": "Queued",
    "已发送": "Sent",
    "发送失败": "Failed",
    "内容": "Content",
    "状态": "Status",
    "短信": "SMS messages",

    # --- accounts: services ---
    "该证件号码、手机号码或用户名已被注册，请返回修改。": "This ID number, mobile number or username is already registered. Please go back and change it.",
    "只能修改本人的基本信息。": "You can only change your own basic information.",
    "只有个人账号需要签署申报承诺书。": "Only personal accounts sign the application commitment.",
    "未找到该账号，请核对用户名、证件号码或手机号码。": "No account found. Please check the username, ID number or mobile number.",
    "该账号未登记手机号码，无法通过短信找回，请联系所属地人社部门。": "This account has no registered mobile number, so it cannot be recovered by SMS. Please contact your local human resources and social security department.",
    "验证码发送过于频繁，请%(s)d秒后再试。": "Codes are being requested too often. Please try again in %(s)d seconds.",
    "该手机号码1小时内获取验证码次数已达上限，请稍后再试。": "This mobile number has reached the limit of codes per hour. Please try again later.",
    "【职称申报评审平台】您正在找回密码，验证码 %(code)s，%(m)d分钟内有效。如非本人操作请忽略。": "[Professional Title Platform] Your password reset code is %(code)s, valid for %(m)d minutes. If you did not request it, please ignore this message.",
    "验证码已失效，请重新获取。": "The code is no longer valid. Please request a new one.",
    "验证码已过期（有效期10分钟），请重新获取。": "The code has expired (codes are valid for 10 minutes). Please request a new one.",
    "验证码错误次数过多，请重新获取。": "Too many wrong codes. Please request a new one.",
    "验证码错误，还可尝试%(n)d次。": "Wrong code. %(n)d attempts left.",

    # --- accounts: templates ---
    "%(name)s，您好": "Hello, %(name)s",
    "填写和提交职称申报，查看审核进度，下载评审表和证书。": "Fill in and submit title applications, follow their review, and download evaluation forms and certificates.",
    "首次进入需阅读并同意《职称申报承诺书》。": "The first time, you need to read and agree to the Title Application Commitment.",
    "进入职称申报": "Go to title applications",
    "修改基本信息": "Edit basic information",
    "密码连续输入错误5次，账号已被锁定15分钟，请稍后再试或通过“忘记密码”重置密码。": "The password was entered wrongly 5 times in a row and the account is locked for 15 minutes. Please try again later, or reset your password with “Forgot password”.",
    "返回登录": "Back to sign in",
    "登录": "Sign in",
    "立即登录": "Sign in",
    "个人注册": "Register as an individual",
    "单位注册": "Register a unit",
    "忘记密码": "Forgot password",
    "用户名、证件号码、手机号均可作为账号登录。连续5次输入密码错误，账号将被锁定15分钟。": "You can sign in with your username, ID number or mobile number. After 5 wrong passwords in a row the account is locked for 15 minutes.",
    "找回密码": "Recover password",
    "验证码将发送到账号登记的手机号码，10分钟内有效。": "A code will be sent to the mobile number registered with the account. It is valid for 10 minutes.",
    "获取短信验证码": "Send SMS code",
    "重置密码": "Reset password",
    "请输入发送到 %(masked_phone)s 的6位验证码，并设置新密码。": "Enter the 6-digit code sent to %(masked_phone)s and choose a new password.",
    "没有收到？重新获取验证码": "Didn't receive it? Request a new code",
    "姓名和证件号码注册后不能修改；如有错误，请联系所属地人社局或平台技术支持。": "Name and ID number cannot be changed after registration. If they are wrong, contact your local HR and social security bureau or the platform's technical support.",
    "保存": "Save",
    "每个证件号码只能注册一个账号。带 * 的项目必须填写；确认后姓名和证件号码不能修改。": "Each ID number can register only one account. Fields marked * are required; name and ID number cannot be changed after confirmation.",
    "立即注册": "Register",
    "已有账号，去登录": "Already have an account? Sign in",
    "确认注册信息": "Confirm registration",
    "请确认注册信息": "Please confirm your registration details",
    "确认后姓名和证件号码将无法修改，请仔细核对。": "After confirmation, your name and ID number cannot be changed. Please check them carefully.",
    "返回修改": "Go back and edit",
    "确认": "Confirm",

    # --- accounts: validators ---
    "居民身份证号码应为18位，当前为%(n)d位。": "A resident ID number has 18 characters; this one has %(n)d.",
    "居民身份证号码格式不正确：前17位应为数字，最后一位为数字或X。": "Invalid resident ID number: the first 17 characters must be digits and the last a digit or X.",
    "身份证号码中的出生日期（%(d)s）不存在，请核对。": "The date of birth in the ID number (%(d)s) does not exist. Please check it.",
    "身份证号码中的出生日期（%(d)s）不可能，请核对。": "The date of birth in the ID number (%(d)s) is not possible. Please check it.",
    "身份证号码校验位不正确，请逐位核对后重新输入。": "The check digit of the ID number is wrong. Please check each digit and enter it again.",
    "身份证号码中的地区码（%(c)s）不存在，请核对。": "The region code in the ID number (%(c)s) does not exist. Please check it.",
    "护照号码应为5至17位字母或数字。": "A passport number has 5 to 17 letters or digits.",
    "请输入11位中国大陆手机号码，例如 13800000000。": "Enter an 11-digit mainland China mobile number, for example 13800000000.",
    "用户名须以字母开头，由4至30位字母、数字或下划线组成。": "A username starts with a letter and has 4 to 30 letters, digits or underscores.",

    # --- accounts: views ---
    "此页面仅供个人账号使用。": "This page is for personal accounts only.",
    "请先填写注册信息。": "Please fill in the registration form first.",
    "注册成功。请牢记用户名和密码，用户名、证件号码、手机号均可登录。": "Registration complete. Keep your username and password safe; you can sign in with your username, ID number or mobile number.",
    "基本信息已保存。": "Basic information saved.",
    "验证码已发送至手机 %(p)s，10分钟内有效。": "A code has been sent to %(p)s. It is valid for 10 minutes.",
    "请先获取短信验证码。": "Please request an SMS code first.",
    "密码已重置，请使用新密码登录。": "Your password has been reset. Sign in with the new password.",

    # --- declarations ---
    "代码": "Code",
    "名称": "Name",
    "排序": "Order",
    "级别": "Level",
    "系列": "Series",
    "职称": "Title",
    "现从事专业": "Current specialty",
    "申报计划": "Application plan",
    "职称申报承诺书": "Title Application Commitment",
    "本人自愿申报专业技术职称，并郑重承诺：": "I apply for a professional title of my own free will and solemnly declare:",
    "一、本人填报的个人信息、学历学位、专业技术职称、工作经历、业绩成果等全部申报信息真实、准确、完整。": "1. All the information I provide, including personal details, education and degrees, professional titles, work experience and achievements, is true, accurate and complete.",
    "二、本人上传的证书、证明及佐证材料均为原件扫描件或经单位核对无误的复印件扫描件，不存在伪造、变造、冒用他人材料的情况。": "2. The certificates, proofs and supporting documents I upload are scans of the originals or of copies verified by my unit; none is forged, altered or borrowed from another person.",
    "三、本人遵守职称评审工作纪律，不通过任何不正当手段干扰评审工作。": "3. I will observe the rules of the title evaluation and will not interfere with it by any improper means.",
    "四、如有弄虚作假，本人自愿接受取消申报资格、撤销已取得的职称，并按有关规定在一定年限内不得申报的处理，由此产生的一切后果由本人承担。": "4. If anything is found to be false, I accept the cancellation of my application, the revocation of any title obtained, and a ban on applying for a period set by the relevant regulations, and I bear all consequences.",
    "您已同意本承诺书。": "You have agreed to this commitment.",
    "我已阅读并同意以上承诺": "I have read and agree to the commitment above",
    "我同意": "I agree",
    "暂不申报": "Not now",
    "目前没有开放的申报计划。申报计划开放后，您可以在这里新增申报信息。": "There is no open application plan at the moment. When a plan opens, you can start an application here.",
    "请阅读承诺书并勾选“我同意”后再继续。": "Please read the commitment and tick “I agree” to continue.",
    "您已签署申报承诺书。": "You have signed the application commitment.",

    # --- institutions: forms ---
    "统一社会信用代码应为18位，当前为%(n)d位。": "A unified social credit code has 18 characters; this one has %(n)d.",
    "统一社会信用代码校验位不正确，请逐位核对营业执照。": "The check character of the unified social credit code is wrong. Please check it against the business licence character by character.",
    "统一社会信用代码格式不正确：应为18位数字或大写字母（不含I、O、Z、S、V）。": "Invalid unified social credit code: it has 18 digits or capital letters (not I, O, Z, S or V).",
    "单位名称": "Unit name",
    "填写单位全称，不得使用简称；确认后不能自行修改。": "Enter the unit's full name, not an abbreviation. It cannot be changed by the unit after confirmation.",
    "统一社会信用代码": "Unified social credit code",
    "所属地区": "Region",
    "区（市）及以下单位选择所在区县；市直部门及其下属单位选择所在市。": "Units at district (county-level city) level or below choose their district or county; city departments and the units under them choose the city.",
    "联系人": "Contact person",
    "联系人手机号": "Contact mobile number",
    "用于找回密码，请填写常用手机号。": "Used to recover the password. Enter a mobile number in regular use.",
    "登录名": "Login name",
    "请填写单位全称。": "Please enter the unit's full name.",
    "该登录名已被使用，请换一个。": "This login name is already taken. Please choose another.",
    "通过": "Approve",
    "不通过": "Reject",
    "审核结果": "Decision",
    "审核意见": "Review comments",
    "不通过时必须填写原因。": "A reason is required when rejecting.",
    "联系电话": "Contact phone",
    "单位名称确认后不能自行修改，如有错误请联系所属地人社局。": "The unit name cannot be changed by the unit after confirmation. If it is wrong, contact your local HR and social security bureau.",
    "部门名称": "Department name",
    "部门类型": "Department type",

    # --- institutions: models ---
    "省": "Province",
    "市": "City",
    "区（县）": "District (county)",
    "行政区划代码": "Administrative division code",
    "层级": "Level",
    "上级地区": "Parent region",
    "全称": "Full name",
    "地区": "Region",
    "用人单位": "Employer unit",
    "主管部门": "Supervising department",
    "呈报部门": "Reporting department",
    "人社局": "HR bureau",
    "评委会办事机构": "Committee office",
    "未申请": "Not applied",
    "待人社局审核": "Awaiting HR bureau review",
    "已授权": "Authorized",
    "未通过": "Rejected",
    "单位类型": "Unit type",
    "名称确认时间": "Name confirmed at",
    "职称评审权限": "Title review permission",
    "创建时间": "Created at",
    "经办人": "Officer",
    "审核人": "Reviewer",
    "角色": "Role",
    "单位成员": "Unit members",
    "待审核": "Pending",
    "已通过": "Approved",
    "申请单位": "Applying unit",
    "审核人社局": "Reviewing HR bureau",
    "申请时间": "Applied at",
    "审核时间": "Decided at",
    "权限申请": "Permission applications",
    "评委会名称": "Committee name",
    "办事机构": "Office",
    "启用": "Active",
    "评审委员会": "Evaluation committee",

    # --- institutions: selectors and services ---
    "您的账号无权访问此页面。": "Your account is not allowed to open this page.",
    "未找到该权限申请。": "Permission application not found.",
    "该用户名已被使用，请返回修改。": "This username is already taken. Please go back and change it.",
    "已经存在有权限的同名单位": "An authorized unit with the same name already exists",
    "已经存在使用该统一社会信用代码的有权限单位“%(n)s”": "The authorized unit “%(n)s” already uses this unified social credit code",
    "%(what)s（账号：%(acc)s，所属地区：%(region)s），可能是重复注册。请联系所属地人社局查询账号，使用之前的账号登录。": "%(what)s (account: %(acc)s, region: %(region)s); this may be a duplicate registration. Please ask your local HR and social security bureau for the account and sign in with it.",
    "只有本单位账号可以申请权限。": "Only the unit's own account can apply for permission.",
    "只有用人单位需要申请职称评审权限。": "Only employer units need to apply for title review permission.",
    "本单位已获得职称评审权限，无需重复申请。": "Your unit already has title review permission; there is no need to apply again.",
    "权限申请正在人社局审核中，请耐心等待。": "Your permission application is being reviewed by the HR and social security bureau. Please wait.",
    "所属地区（%(r)s）暂无人社局账号，请联系系统管理员。": "There is no HR and social security bureau account for the region (%(r)s) yet. Please contact the system administrator.",
    "只能审核本人社局队列中的申请。": "You can only review applications in your own bureau's queue.",
    "该申请已处理，请刷新页面。": "This application has already been decided. Please refresh the page.",
    "已存在同名或同代码的有权限单位，不能重复授权。": "An authorized unit with the same name or code already exists, so permission cannot be granted twice.",
    "无权修改该单位信息。": "You are not allowed to change this unit's information.",
    "单位名称确认后不能自行修改，请联系所属地人社局。": "The unit name cannot be changed by the unit after confirmation. Please contact your local HR and social security bureau.",
    "只有系统管理员可以创建部门账号。": "Only system administrators can create department accounts.",
    "用人单位请通过“单位注册”自行注册。": "Employer units register themselves through “Register a unit”.",
    "已存在同名同类型的部门。": "A department with the same name and type already exists.",
    "已存在同名的有权限单位（部门）（%(k)s，%(r)s），名称不能重复。": "An authorized organization with this name already exists (%(k)s, %(r)s); names must be unique.",
    "该统一社会信用代码已被有权限的“%(n)s”使用。": "This unified social credit code is already used by the authorized organization “%(n)s”.",
    "已存在同名或同代码的有权限单位，请核对后重试。": "An authorized unit with the same name or code already exists. Please check and try again.",

    # --- institutions: templates ---
    "未找到有权限的单位": "No authorized unit found",
    "系统管理": "System administration",
    "查看全部": "View all",
    "基础配置": "Basic configuration",
    "地区、系列、级别、评审委员会等在管理后台维护。": "Regions, series, levels, committees and the like are maintained in the admin site.",
    "进入管理后台": "Open the admin site",
    "主管部门、呈报部门、人社局和评委会办事机构的账号由系统管理员创建；用人单位请自行注册。": "Accounts for supervising departments, reporting departments, HR and social security bureaus and committee offices are created by the system administrator; employer units register themselves.",
    "创建": "Create",
    "当前状态：": "Current status:",
    "申请提交后先进行自动校验（统一社会信用代码、是否已有同名或同代码的有权限单位），通过后由所属地人社局审核。": "An application is first checked automatically (the unified social credit code, and whether an authorized unit with the same name or code exists); if it passes, your local HR and social security bureau reviews it.",
    "确认提交职称评审权限申请？": "Submit the application for title review permission?",
    "申请职称评审权限": "Apply for title review permission",
    "本单位人员现在可以在申报时选择本单位。": "Your staff can now choose this unit when they apply.",
    "申请记录": "Applications",
    "暂无申请记录。": "No applications yet.",
    "单位权限审核": "Unit permission review",
    "待审核 %(n)s 条": ("%(n)s application pending", "%(n)s applications pending"),
    "去审核": "Review",
    "本办事机构负责的评审委员会": "Committees run by this office",
    "暂无": "None yet",
    "修改联系方式": "Edit contact details",
    "全部类型": "All types",
    "按名称搜索": "Search by name",
    "查询": "Search",
    "类型": "Type",
    "审核权限申请": "Review permission application",
    "审核结果提交后不能更改，确认提交？": "A decision cannot be changed once submitted. Submit it?",
    "返回": "Back",
    "提交审核结果": "Submit decision",
    "全部": "All",
    "审核": "Review",
    "没有符合条件的申请。": "No matching applications.",
    "单位须在本单位人员填报申报信息之前注册并申请“职称评审”权限，否则个人无法选择本单位。确认后单位名称不能自行修改。": "A unit must register and apply for “title review” permission before its staff fill in their applications; otherwise they cannot choose the unit. The unit name cannot be changed by the unit after confirmation.",
    "确认单位注册信息": "Confirm unit registration",
    "请确认单位注册信息": "Please confirm the unit registration details",
    "确认后单位名称将无法自行修改，请仔细核对。": "After confirmation, the unit name cannot be changed by the unit. Please check it carefully.",

    # --- institutions: views ---
    "此页面仅供系统管理员使用。": "This page is for system administrators only.",
    "请先填写单位注册信息。": "Please fill in the unit registration form first.",
    "单位注册成功。请及时申请“职称评审”权限，获批后本单位人员才能选择本单位申报。": "Unit registered. Please apply for “title review” permission now: only after it is granted can your staff choose this unit in their applications.",
    "权限申请已通过自动校验，已提交所属地人社局审核。": "The permission application passed the automatic checks and has been sent to your local HR and social security bureau for review.",
    "已处理“%(n)s”的权限申请。": "The permission application of “%(n)s” has been decided.",
    "单位信息已保存。": "Unit information saved.",
    "已创建“%(n)s”及其登录账号 %(u)s。": "Created “%(n)s” and its login account %(u)s.",
}
# fmt: on

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\r": "\r"}
_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    return re.sub(r'\\[\\"ntr]', lambda m: _ESCAPES[m.group(0)], text[1:-1])


def _quote(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + '"'


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # every "#" line except flags
    flags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # in file order
    order: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        ctx = self.fields.get("msgctxt")
        return f"{ctx}\x04{self.fields['msgid']}" if ctx is not None else self.fields["msgid"]

    @property
    def is_header(self) -> bool:
        return self.fields.get("msgid") == "" and "msgctxt" not in self.fields

    @property
    def plural(self) -> bool:
        return "msgid_plural" in self.fields

    def msgstrs(self) -> list[str]:
        return [v for k, v in self.fields.items() if k.startswith("msgstr")]

    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstrs())

    def set_msgstr(self, value: str | tuple[str, ...]) -> None:
        if self.plural:
            forms = [k for k in self.order if k.startswith("msgstr[")]
            values = value if isinstance(value, tuple) else (value,)
            for i, k in enumerate(forms):
                self.fields[k] = values[min(i, len(values) - 1)]
        else:
            self.fields["msgstr"] = value if isinstance(value, str) else value[0]
        self.flags = [f for f in self.flags if f != "fuzzy"]
        self.comments = [c for c in self.comments if not c.startswith("#|")]

    def render(self) -> str:
        lines = list(self.comments)
        if self.flags:
            lines.insert(self._flag_position(), "#, " + ", ".join(self.flags))
        lines += [f"{k} {_quote(self.fields[k])}" for k in self.order]
        return "\n".join(lines)

    def _flag_position(self) -> int:
        # Flags go after translator/extracted comments and references, before "#|" lines.
        for i, c in enumerate(self.comments):
            if c.startswith("#|"):
                return i
        return len(self.comments)


def parse(text: str) -> list[Entry | str]:
    """Entries, and raw strings for blocks that are not entries (obsolete "#~" ones)."""
    out: list[Entry | str] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        if not block.strip():
            continue
        entry, last = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#"):
                entry.comments.append(line)
            elif m := _FIELD.match(line):
                last = m.group(1)
                entry.fields[last] = _unquote(m.group(2))
                entry.order.append(last)
            elif line.startswith('"') and last:
                entry.fields[last] += _unquote(line.strip())
            else:
                raise ValueError(f"cannot parse line: {line!r}")
        out.append(entry if "msgid" in entry.fields else block)
    return out


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def fix_header(entry: Entry) -> None:
    header = entry.fields["msgstr"]
    for name, value in {
        "Project-Id-Version": "zhicheng",
        "Last-Translator": "scripts/translate_en.py",
        "Language-Team": "English",
        "Language": "en",
    }.items():
        header = re.sub(rf"^{name}:.*$", f"{name}: {value}", header, flags=re.M)
    entry.fields["msgstr"] = header
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.comments = [
        "# English translation of 职称申报评审平台 (source language: Simplified Chinese).",
        "# Filled by scripts/translate_en.py; add new strings there, not here.",
    ]


def normalize(path: Path) -> None:
    """Re-wrap the file the way msgmerge does, so makemessages + this script is stable."""
    msgcat = shutil.which("msgcat")
    if not msgcat:
        return
    with tempfile.NamedTemporaryFile(suffix=".po", dir=path.parent, delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        subprocess.run([msgcat, "-o", str(tmp_path), str(path)], check=True)
        shutil.copymode(path, tmp_path)
        tmp_path.replace(path)
    finally:
        tmp_path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("po", nargs="?", type=Path, default=DEFAULT_PO)
    parser.add_argument("--check", action="store_true", help="report only; exit 1 on gaps")
    args = parser.parse_args(argv)

    items = parse(args.po.read_text(encoding="utf-8"))
    entries = [e for e in items if isinstance(e, Entry)]
    problems: list[str] = []
    from_dict = kept = 0
    missing: list[str] = []
    for entry in entries:
        if entry.is_header:
            fix_header(entry)
            continue
        english = TRANSLATIONS.get(entry.key)
        if english is not None:
            if entry.plural != isinstance(english, tuple):
                problems.append(f"plural/singular mismatch for {entry.key!r}")
                continue
            entry.set_msgstr(english)
            from_dict += 1
        elif entry.translated():
            kept += 1
        else:
            missing.append(entry.key)
            continue
        source = placeholders(entry.fields["msgid"] + entry.fields.get("msgid_plural", ""))
        for value in entry.msgstrs():
            if not set(placeholders(value)) <= set(source) or (
                not entry.plural and placeholders(value) != source
            ):
                problems.append(f"placeholders differ: {entry.key!r} -> {value!r}")

    total = len(entries) - sum(e.is_header for e in entries)
    print(
        f"{args.po.relative_to(BASE_DIR) if args.po.is_relative_to(BASE_DIR) else args.po}: "
        f"{total} entries, {from_dict + kept} translated "
        f"({from_dict} from the dictionary, {kept} kept as written), "
        f"{len(missing)} untranslated"
    )
    for key in missing:
        print("  untranslated:", key.replace("\x04", " | "))
    for problem in problems:
        print("  ERROR:", problem, file=sys.stderr)

    if not args.check:
        body = "\n\n".join(e.render() if isinstance(e, Entry) else e for e in items) + "\n"
        args.po.write_text(body, encoding="utf-8")
        normalize(args.po)
    return 1 if problems or (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())

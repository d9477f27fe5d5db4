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
    '该申请已处理：': 'This application has been decided: ',
    '审核意见：': 'Comments: ',
    '已生效': 'Effective',
    '上级部门': 'Parent department',
    '申报路径': 'Routing path',
    '只能为本单位申请路径。': 'You can only apply for paths for your own organization.',
    '请选择一个上级部门或评审委员会。': 'Choose one parent department or one evaluation committee.',
    '只有呈报部门可以申请评委会路径。': 'Only a reporting department can apply for a committee path.',
    '所选评审委员会与申请的系列、级别不一致。': 'The chosen committee does not match the series and level applied for.',
    '%(k)s只能向主管部门或呈报部门申请路径。': 'A %(k)s can only apply for a path to a supervising or reporting department.',
    '呈报部门请申请评委会路径。': 'A reporting department applies for a committee path.',
    '不能向本单位申请路径。': 'You cannot apply for a path to your own organization.',
    '该系列、级别已有%(s)s的路径（→ %(d)s），无需重复申请。': 'This series and level already has a path that is %(s)s (→ %(d)s); there is no need to apply again.',
    '该系列、级别的路径申请已存在，请刷新页面。': 'A path application for this series and level already exists; please refresh the page.',
    '只能审核申请到本部门的路径。': 'You can only decide paths applied for to your own department.',
    '该路径申请已处理，请刷新页面。': 'This path application has already been decided; please refresh the page.',
    'JavaScript 脚本': 'JavaScript',
    '启动外部程序的操作（Launch）': 'an action that starts another program (Launch)',
    '嵌入的文件（EmbeddedFiles）': 'embedded files (EmbeddedFiles)',
    'XFA 动态表单': 'an XFA dynamic form',
    '打开文件时自动执行的操作（OpenAction）': 'an action run when the file is opened (OpenAction)',
    '由页面或表单事件自动触发的操作（AA）': 'actions triggered by page or form events (AA)',
    '提交数据或打开其他文件的操作': 'actions that submit data or open other files',
    '多媒体或 3D 内容': 'multimedia or 3D content',
    'PDF 文件已损坏，无法解析，请重新生成或扫描后上传。': 'The PDF file is damaged and cannot be read. Please generate or scan it again and upload it.',
    '%(format)s 图片尺寸过大（%(w)d×%(h)d像素，超过%(limit)d万像素的上限），可能是恶意文件，未解码即拒绝；请缩小后上传。': 'The %(format)s image is too large (%(w)d×%(h)d pixels, over the limit of %(limit)d × 10,000 pixels) and may be malicious; it was refused without decoding. Please reduce it and upload it again.',
    '%(format)s 图片不完整（文件在结束标记之前就中断了），可能上传中断或文件已损坏，请重新扫描后上传。': 'The %(format)s image is incomplete (the file ends before its end marker); the upload may have been interrupted or the file is damaged. Please scan it again and upload it.',
    '%(format)s 图片的文件结构已损坏，无法打开，请重新扫描后上传。': 'The structure of the %(format)s image is damaged and it cannot be opened. Please scan it again and upload it.',
    'PDF 文件不完整（缺少文件结束标记），可能上传中断或生成失败，请重新生成后上传。': 'The PDF file is incomplete (its end-of-file marker is missing); the upload may have been interrupted or the file was not generated completely. Please generate it again and upload it.',
    '文件是空的（0字节），请重新选择文件上传。': 'The file is empty (0 bytes). Please choose the file again.',
    '文件超过5MB的上限，请压缩或拆分后上传。': 'The file is larger than the 5 MB limit. Please compress or split it and upload it again.',
    '%(format)s 动画帧数过多（超过%(max)d帧），已拒绝；请上传单张图片。': 'The %(format)s animation has too many frames (more than %(max)d) and was refused. Please upload a single image.',
    '%(format)s 动画解码后过大（%(n)d帧，每帧%(w)d×%(h)d像素），已拒绝；请上传单张图片。': 'The %(format)s animation is too large once decoded (%(n)d frames of %(w)d×%(h)d pixels) and was refused. Please upload a single image.',
    '%(format)s 图片中夹带了%(what)s的内容，可能是伪装文件，已拒绝；请重新扫描或另存为普通图片后上传。': 'The %(format)s image carries hidden content (%(what)s) and may be a disguised file; it was refused. Please scan it again or save it as a plain image and upload it.',
    '%(format)s 图片在结束标记之后还有%(n)d字节的多余数据，已拒绝；请另存为普通图片后上传。': 'The %(format)s image has %(n)d extra bytes after its end marker and was refused. Please save it as a plain image and upload it again.',
    '%(format)s 图片的尺寸无效（%(w)d×%(h)d像素），无法打开。': 'The %(format)s image has invalid dimensions (%(w)d×%(h)d pixels) and cannot be opened.',
    '证件照须为 JPEG（.jpg）格式，当前文件是%(what)s。': 'The ID photo must be a JPEG (.jpg) file; this file is a %(what)s.',
    '证件照文件太小（%(kb).1fKB），应不小于30KB；请上传更清晰的照片。': 'The ID photo file is too small (%(kb).1f KB); it must be at least 30 KB. Please upload a clearer photo.',
    '证件照文件太大（%(bytes)d字节），应不超过1MB（1048576字节）；请适当压缩后上传。': 'The ID photo file is too large (%(bytes)d bytes); it must be at most 1 MB (1,048,576 bytes). Please compress it and upload it again.',
    '证件照像素不得小于215×300（宽×高），当前为%(w)d×%(h)d。': 'The ID photo must be at least 215×300 pixels (width × height); this one is %(w)d×%(h)d.',
    '证件照宽高比应在0.65至0.8之间（竖版），当前为%(w)d×%(h)d，宽高比%(r).3f。': "The ID photo's width/height ratio must be between 0.65 and 0.8 (portrait); this one is %(w)d×%(h)d, a ratio of %(r).3f.",
    'PDF 文件在结束标记之后还有%(n)d字节的多余数据，已拒绝；请重新生成后上传。': 'The PDF file has %(n)d extra bytes after its end marker and was refused. Please generate it again and upload it.',
    'PDF 文件已加密（设置了打开密码或权限密码），请取消加密后重新上传。': 'The PDF file is encrypted (it has an open or permissions password). Please remove the encryption and upload it again.',
    'PDF 文件中没有任何页面，请重新生成后上传。': 'The PDF file has no pages. Please generate it again and upload it.',
    'PDF 文件中的内容解压后过大，可能是恶意文件，已拒绝。': 'The content of the PDF file is too large once decompressed and may be malicious; it was refused.',
    '文件内容与上传时识别的类型不符（实际是%(what)s），已拒绝。': "The file's content does not match the type detected at upload (it is actually %(what)s); it was refused.",
    '%(format)s 图片的数据校验失败（%(chunk)s 块的 CRC 不符），文件已损坏，请重新扫描后上传。': 'The %(format)s image fails its checksum (CRC mismatch in the %(chunk)s chunk); the file is damaged. Please scan it again and upload it.',
    '%(format)s 图片尺寸过大，可能是恶意文件，已拒绝；请缩小后上传。': 'The %(format)s image is too large and may be malicious; it was refused. Please reduce it and upload it again.',
    '%(format)s 图片无法完整解码（数据已损坏或不完整），请重新扫描后上传。': 'The %(format)s image cannot be fully decoded (its data is damaged or incomplete). Please scan it again and upload it.',
    'PDF 文件含有%(items)s，已拒绝；请用“打印为 PDF”或重新扫描，生成不含脚本和附件的普通 PDF 后上传。': 'The PDF file contains %(items)s and was refused. Please use “Print to PDF” or scan again to make a plain PDF without scripts or attachments, and upload it.',
    '无法识别的格式': 'an unrecognised format',
    'JPEG 图片': 'JPEG image',
    'PNG 图片': 'PNG image',
    'GIF 图片': 'GIF image',
    'PDF 文档': 'PDF document',
    '可执行程序': 'executable program',
    '压缩包': 'archive',
    'Office 文档': 'Office document',
    'BMP 图片': 'BMP image',
    'TIFF 图片': 'TIFF image',
    'WebP 图片': 'WebP image',
    'HEIC 图片': 'HEIC image',
    '脚本代码': 'script code',
    'SVG 矢量图': 'SVG vector image',
    '网页（HTML）代码': 'web page (HTML) code',
    'XML 文档': 'XML document',
    "第%(n)d条 ": "Row %(n)d: ",
    "删除此行": "Remove this row",
    "暂无记录。需要填写的请点击“添加一行”；没有的不必添加，直接点击“保存”即可。": (
        "No rows yet. Click “Add a row” to fill one in; if there is nothing to add, just click “Save”."
    ),
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
    # --- declarations: navigation and status tracking ---
    "导入继续教育学时": "Import continuing education hours",
    "状态跟踪": "Status tracking",

    # --- declarations: continuing education import (continuing_education.py, forms/ce_import.py) ---
    "文件不是文本格式的CSV文件，请在表格软件中“另存为CSV”后再上传。": "The file is not a plain-text CSV file. Use “Save as CSV” in your spreadsheet program and upload it again.",
    "无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件。": "The file's encoding cannot be recognized. Please save it as a CSV file in UTF-8 or GBK encoding.",
    "证件号码为空。": "The ID number is empty.",
    "证件号码“%(v)s”既不是18位居民身份证号码，也不是5至17位字母或数字的护照号码。": "ID number “%(v)s” is neither an 18-character resident ID number nor a passport number of 5 to 17 letters or digits.",
    "年度“%(v)s”应为4位数字，例如2025。": "Year “%(v)s” must have 4 digits, for example 2025.",
    "年度%(y)d不在%(a)d至%(b)d年之间。": "Year %(y)d is not between %(a)d and %(b)d.",
    "类型“%(v)s”无法识别，应为“公需”或“专业”（也可写 public / professional）。": "Type “%(v)s” is not recognized. Use “公需” or “专业” (or public / professional).",
    "学时“%(v)s”不是数字。": "Hours “%(v)s” is not a number.",
    "学时应大于0，当前为“%(v)s”。": "Hours must be greater than 0; got “%(v)s”.",
    "学时“%(v)s”过大。": "Hours “%(v)s” is too large.",
    "学时“%(v)s”最多保留1位小数。": "Hours “%(v)s” may have at most 1 decimal place.",
    "第%(l)d行：应有4列（证件号码、年度、类型、学时），实际为%(n)d列。": "Line %(l)d: expected 4 columns (ID number, year, type, hours), found %(n)d.",
    "第%(l)d行：": "Line %(l)d: ",
    "第%(l)d行：与第%(f)d行重复（同一证件号码、年度和类型只能有一行）。": "Line %(l)d: duplicates line %(f)d (each ID number, year and type may appear on one line only).",
    "第%(l)d行：CSV格式错误（%(e)s）。": "Line %(l)d: CSV format error (%(e)s).",
    "……另有%(n)d处错误未列出。": "…and %(n)d more not listed.",
    "文件有%(n)d处错误，全部未导入，请修改后重新上传：": "Errors in the file: %(n)d. Nothing was imported; please correct them and upload the file again:",
    "文件中没有数据行。每行依次为：证件号码、年度、类型、学时。": "The file has no data rows. Each row holds, in order: ID number, year, type, hours.",
    "只有系统管理员可以导入继续教育学时。": "Only system administrators can import continuing education hours.",
    "继续教育学时文件（CSV）": "Continuing education hours file (CSV)",
    "每行依次为：证件号码、年度、类型（公需/专业）、学时；第一行可为表头。UTF-8或GBK编码，不超过2MB。": "Each row holds, in order: ID number, year, type (公需 public / 专业 professional), hours; the first row may be a header. UTF-8 or GBK encoding, at most 2 MB.",
    "请上传CSV文件（扩展名为.csv）。": "Please upload a CSV file (extension .csv).",
    "文件大小为%(s).1fMB，不能超过2MB，请分成几个文件导入。": "The file is %(s).1f MB, over the 2 MB limit. Please split it into several files.",
    "文件是空的。": "The file is empty.",

    # --- declarations: sections ---
    "申报信息": "Declaration information",
    "学历信息": "Education",
    "现专业技术职称及职业资格": "Current professional titles and qualifications",
    "现任（含兼任）行政职务": "Current administrative posts (including concurrent posts)",
    "任现职以来考核情况": "Assessments in the current post",
    "外语/计算机水平": "Foreign language and computer skills",
    "近五年继续教育": "Continuing education in the last five years",
    "工作经历": "Work experience",
    "任现职以来代表性成果": "Representative achievements in the current post",
    "任现职以来主要专业技术工作成绩及表现": "Main professional work and performance in the current post",
    "学术团体及社会兼职": "Academic societies and part-time roles",
    "其他附件": "Other attachments",

    # --- declarations: models ---
    "职称名称": "Title name",
    "专业名称": "Specialty name",
    "申报方式": "Declaration method",
    "需填写破格情况": "Requires exceptional promotion basis",
    "可无现职称": "Allows no current title",
    "职业资格": "Professional qualification",
    "职业资格名称": "Qualification name",
    "对应系列": "Corresponding series",
    "对应级别": "Corresponding level",
    "公需科目": "Public subjects",
    "专业科目": "Professional subjects",
    "年度": "Year",
    "学时": "Hours",
    "导入时间": "Imported at",
    "继续教育学时": "Continuing education hours",
    "论文/著作": "Paper/book",
    "专利": "Patent",
    "课题": "Project",
    "获奖": "Award",
    "其他": "Other",
    "开始时间": "Start",
    "截止时间": "Deadline",
    "开放的申报方式": "Open declaration methods",
    "成果类别": "Achievement categories",
    "可选：paper 论文/著作，patent 专利，project 课题，award 获奖，other 其他": "Choices: paper (paper/book), patent, project, award, other",
    "代表性成果上限": "Maximum representative achievements",
    "工作成绩及表现字数上限": "Character limit for work and performance",
    "学术团体字数上限": "Character limit for academic societies",
    "考核年度数": "Number of assessment years",
    "须填写单位推荐排序": "Requires unit recommendation ranking",
    "外语/计算机禁用的含糊词语": "Vague words not allowed for foreign language/computer skills",
    "以逗号分隔，例如：熟练,良好。留空则不检查。": "Separated by commas, for example: 熟练,良好. Leave empty to skip the check.",
    "每年继续教育学时要求": "Continuing education hours required per year",
    "继续教育统计年数": "Years counted for continuing education",
    "%(year)s年度 %(series)s %(level)s（%(region)s）": "%(year)s %(series)s %(level)s (%(region)s)",
    "截止时间必须晚于开始时间。": "The deadline must be later than the start.",
    "评审委员会的系列和级别必须与计划一致。": "The committee's series and level must match the plan's.",
    "请至少选择一个成果类别。": "Please choose at least one achievement category.",
    "未知的成果类别：%(c)s": "Unknown achievement categories: %(c)s",
    "成果类别不能重复。": "Achievement categories must not repeat.",
    "代表性成果上限应在1至50之间。": "The maximum representative achievements must be between 1 and 50.",
    "考核年度数应在1至10之间。": "The number of assessment years must be between 1 and 10.",
    "模块": "Section",
    "顺序": "Order",
    "必填字段": "Required fields",
    "该模块中设为必填的可选字段代码列表。": "Codes of the section's optional fields that are made required.",
    "计划模块": "Plan section",
    "未知的模块代码：%(c)s": "Unknown section code: %(c)s",
    "必填字段应为列表。": "Required fields must be a list.",
    "这些字段不能设为必填或不存在：%(f)s": "These fields cannot be made required or do not exist: %(f)s",
    "说明": "Notes",
    "必须上传": "Upload required",
    "可上传多个文件": "Multiple files allowed",
    "证件照": "ID photo",
    "附件栏目": "Attachment slot",
    "草稿": "Draft",
    "审核中": "Under review",
    "已退回": "Returned",
    "已通过待上报": "Approved, to be forwarded",
    "评委会受理": "Accepted by the committee",
    "当前审核单位": "Current reviewing unit",
    "申报单位": "Declaring unit",
    "提交次数": "Submissions",
    "提交时间": "Submitted at",
    "开始审核时间": "Review started at",
    "更新时间": "Updated at",
    "申报": "Declaration",
    "申报模块": "Declaration section",
    "轮次": "Round",
    "提交快照": "Submission snapshot",
    "提交快照不可修改。": "A submission snapshot cannot be changed.",
    "提交快照不可删除。": "A submission snapshot cannot be deleted.",
    "新增申报": "New declaration",
    "提交申报": "Submit declaration",
    "撤回申报": "Withdraw declaration",
    "复用以往申报信息": "Reuse earlier declaration",
    "操作": "Action",
    "原因": "Reason",
    "申报记录": "Declaration log",
    "审计记录不可修改。": "An audit record cannot be changed.",
    "审计记录不可删除。": "An audit record cannot be deleted.",

    # --- declarations: forms, shared ---
    "不能超过%(n)d个字。": "Cannot exceed %(n)d characters.",
    "不能晚于今天。": "Cannot be later than today.",
    "是": "Yes",
    "否": "No",
    "无": "None",

    # --- declarations: basic info, performance, societies, language, other, assessments (forms/sections.py) ---
    "必须填写本人现在常用的手机号。": "Enter the mobile number you currently use.",
    "完成的业务工作任务、工作量、取得的效果等；实事求是、简明扼要；不得体现个人姓名。": "Tasks completed, workload, results and so on; factual and concise; do not mention your name.",
    "完成的业务工作任务、工作量、取得的效果等；限%(n)d字，不得体现个人姓名。": "Tasks completed, workload, results and so on; at most %(n)d characters; do not mention your name.",
    "字数上限为%(n)d字，当前%(c)d字。": "The limit is %(n)d characters; this has %(c)d.",
    "不得体现个人姓名（“%(name)s”），请删除后保存。": "Your name (“%(name)s”) must not appear. Please remove it and save again.",
    "参加何种学术团体并任何种职务，有何社会兼职": "Academic societies, posts held in them and part-time public roles",
    "没有相关兼职的填“无”。": "If none, enter “无” (none).",
    "懂何种外语，达到何种程度": "Foreign languages and proficiency",
    "写明所获外语证书名称，无相关证书的填“无”。": "Name the foreign language certificates you hold; if none, enter “无” (none).",
    "计算机水平": "Computer skills",
    "写明所获计算机证书名称，无相关证书的填“无”。": "Name the computer certificates you hold; if none, enter “无” (none).",
    "不得填写“%(w)s”等含糊不清的词语，请写明证书名称，没有的填“无”。": "Vague words such as “%(w)s” are not allowed. Name the certificate, or enter “无” (none) if you have none.",
    "系统中无对应栏目的材料在本栏目上传，可在此说明。": "Upload here any material that has no section of its own, and describe it here if needed.",
    "优秀": "Excellent",
    "合格": "Competent",
    "基本合格": "Basically competent",
    "不合格": "Not competent",
    "年份": "Year",
    "受聘专业技术职务（岗位）": "Professional post held (position)",
    "填写专业技术职称或岗位，不得填写行政职务；无职称写“无”。": "Enter the professional title or position, not an administrative post; if you have no title, enter “无” (none).",
    "考核等次": "Assessment grade",
    "考核单位": "Assessing unit",
    "只填近%(n)d个年度（%(a)d—%(b)d年）的考核。": "Enter assessments of the last %(n)d years only (%(a)d–%(b)d).",
    "考核情况限填%(n)d个年度。": "Assessments are limited to %(n)d years.",
    "同一年度只能填写一次：%(y)s。": "Each year may be entered only once: %(y)s.",

    # --- declarations: declaration information (forms/info.py) ---
    "单位推荐排序的格式为“名次/推荐人数”，例如在5人中排第3名填“3/5”，单位仅推荐1人的填“1/1”。": "The unit recommendation ranking has the form “place/number recommended”: for example, 3rd of 5 is “3/5”; if the unit recommends only one person, enter “1/1”.",
    "单位推荐排序“%(v)s”有误：名次应在1至推荐人数之间，例如“3/5”。": "Unit recommendation ranking “%(v)s” is invalid: the place must be between 1 and the number recommended, for example “3/5”.",
    "人事代理": "Personnel agency",
    "劳务派遣": "Labour dispatch",
    "个人代理": "Individual agency",
    "学历破格": "Exceptional promotion (education)",
    "资历破格": "Exceptional promotion (seniority)",
    "按申报计划的年度填写，不可修改。": "The year of the plan; it cannot be changed.",
    "单位推荐排序": "Unit recommendation ranking",
    "格式“名次/推荐人数”：在5人中排第3名填“3/5”，单位仅推荐1人的填“1/1”。": "Format “place/number recommended”: 3rd of 5 is “3/5”; if the unit recommends only one person, “1/1”.",
    "本计划须填写单位推荐排序，此项不得为空。": "This plan requires the unit recommendation ranking; it cannot be empty.",
    "申报级别": "Declared level",
    "申报系列": "Declared series",
    "申报职称": "Declared professional title",
    "请从下拉框中选择本计划的申报职称。": "Please choose a professional title of this plan from the list.",
    "按本人实际从事的专业选择相关或相近的专业。": "Choose the specialty that matches or is closest to the one you actually work in.",
    "请从下拉框中选择本系列的专业。": "Please choose a specialty of this series from the list.",
    "符合正常申报条件的选“正常晋升”；年限、学历或资历不满足条件的选“破格”。": "Choose “正常晋升” (normal promotion) if you meet the normal requirements; choose “破格” (exceptional promotion) if your years, education or seniority fall short.",
    "本计划未开放该申报方式，请重新选择。": "This plan does not offer that declaration method. Please choose another.",
    "破格情况": "Exceptional promotion basis",
    "申报方式为“破格”时须选填：学历破格或资历破格。": "Required when the declaration method is “破格” (exceptional promotion): education or seniority.",
    "请先在上方输入单位名称查找": "Search for the unit by name above first",
    "须选择与本人建立正式人事劳动（聘用）关系的单位，原则上与社保缴费单位一致。找不到本单位的，请联系单位确认是否已注册并获得职称评审权限。": "Choose the unit you have a formal employment relationship with, normally the unit that pays your social insurance. If you cannot find your unit, ask it whether it has registered and obtained title review permission.",
    "所选单位不存在或尚未获得职称评审权限，请输入单位名称查找后选择。": "The chosen unit does not exist or does not have title review permission. Search for the unit by name and choose it.",
    "是否是工作单位": "Is it your actual workplace?",
    "申报单位是本人实际工作单位的选“是”；否则选“人事代理”“劳务派遣”或“个人代理”（自由职业者）。": "Choose “Yes” if the declaring unit is where you actually work; otherwise choose “Personnel agency”, “Labour dispatch” or “Individual agency” (freelancers).",
    "工作单位": "Workplace",
    "选“人事代理”“劳务派遣”的，填写实际工作单位全称；选“是”的不填，个人代理无需填写。": "For “Personnel agency” or “Labour dispatch”, enter the full name of the unit where you actually work; leave it empty for “Yes” and “Individual agency”.",
    "是否委托评审": "Entrusted evaluation?",
    "原则上选择“否”，确需委托的按实际情况填写。": "Normally “No”; choose “Yes” only if the evaluation really is entrusted.",
    "参加工作时间": "Date started work",
    "按首次参加工作时间填写。": "The date you first started work.",
    "专业工作年限": "Years of professional work",
    "专业工作年限请填写整数年（按周年计算）。": "Enter the years of professional work as a whole number (full years).",
    "专业工作年限应在0至60年之间。": "Years of professional work must be between 0 and 60.",
    "实际从事专业技术工作的年限，按周年计算；中间中断的扣除间断时间累计计算。": "Full years actually spent in professional and technical work, not counting any breaks.",
    "本计划不要求填写；填写的须为“名次/推荐人数”格式，例如“3/5”。": "Not required by this plan; if entered, it must have the form “place/number recommended”, for example “3/5”.",
    "实际从事专业技术工作的年限，按周年计算，截止到%(y)d年12月31日；中间中断的扣除间断时间累计计算。": "Full years actually spent in professional and technical work up to 31 December %(y)d, not counting any breaks.",
    "年度应为申报计划的年度“%(y)d”。": "The year must be the plan's year, “%(y)d”.",
    "申报方式为“%(m)s”时须选填破格情况（学历破格或资历破格）。": "With the declaration method “%(m)s”, choose the exceptional promotion basis (education or seniority).",
    "只有破格申报才填写破格情况，申报方式为“%(m)s”时请留空。": "The exceptional promotion basis applies only to exceptional promotion; leave it empty with the declaration method “%(m)s”.",
    "“是否是工作单位”选择“%(r)s”的，须填写实际工作单位。": "When “Is it your actual workplace?” is “%(r)s”, enter your actual workplace.",
    "“是否是工作单位”选择“是”时申报单位即为工作单位，“工作单位”不填写。": "When “Is it your actual workplace?” is “Yes”, the declaring unit is your workplace; leave “Workplace” empty.",
    "参加工作时间不能晚于%(d)s。": "The date started work cannot be later than %(d)s.",
    "专业工作年限按周年计算至%(d)s，自参加工作时间%(s)s起最多%(n)d年，当前填写%(v)d年。": "Counted in full years up to %(d)s, work since %(s)s gives at most %(n)d years of professional work; %(v)d were entered.",

    # --- declarations: education (forms/info.py) ---
    "博士研究生": "Doctoral postgraduate",
    "硕士研究生": "Master's postgraduate",
    "大学本科": "Undergraduate (bachelor's)",
    "大学专科": "Junior college",
    "中专": "Secondary vocational school",
    "技工院校": "Technical school",
    "高中及以下": "Senior high school or below",
    "大学普通班（1970—1976年入学）": "University ordinary class (enrolled 1970–1976)",
    "中央（省、市委）党校研究生": "Party school (central, provincial or municipal) postgraduate",
    "中央（省、市委）党校大学": "Party school (central, provincial or municipal) undergraduate",
    "中央（省、市委）党校大专": "Party school (central, provincial or municipal) junior college",
    "省业余大学": "Provincial spare-time university",
    "省业余大专": "Provincial spare-time junior college",
    "博士": "Doctorate",
    "硕士": "Master's",
    "学士": "Bachelor's",
    "国内": "Domestic",
    "国（境）外": "Overseas",
    "全日制学历": "Full-time education",
    "评审依据学历": "Education for evaluation",
    "按毕业证书填写全称。": "Full name as on the diploma.",
    "国（境）外学历须上传教育部留学服务中心出具的学历学位认证书。": "For overseas education, upload the degree certification issued by the Chinese Service Center for Scholarly Exchange (Ministry of Education).",
    "《教育部学历证书电子注册备案表》上的在线验证码；2001年之后取得的国内学历（研究生、本科、专科）必填。": "The online verification code on the Ministry of Education's electronic registration record of the diploma (《教育部学历证书电子注册备案表》); required for domestic postgraduate, bachelor's and junior college education obtained after 2001.",
    "全日制-毕业院校": "Full-time: school",
    "全日制-专业": "Full-time: major",
    "全日制-学历": "Full-time: education",
    "全日制-学位": "Full-time: degree",
    "全日制-毕业时间": "Full-time: graduation date",
    "全日制-国内/国（境）外": "Full-time: domestic/overseas",
    "全日制学历-学信网验证码": "Full-time: CHSI verification code",
    "评审依据学历同全日制学历": "Education for evaluation is the full-time education",
    "勾选后以全日制学历作为评审依据学历，下面各项无需填写。": "If ticked, the full-time education is used for the evaluation and the fields below need not be filled in.",
    "评审依据-毕业院校": "For evaluation: school",
    "评审依据-专业": "For evaluation: major",
    "评审依据-学历": "For evaluation: education",
    "评审依据-学位": "For evaluation: degree",
    "评审依据-毕业时间": "For evaluation: graduation date",
    "评审依据-国内/国（境）外": "For evaluation: domestic/overseas",
    "评审依据学历-学信网验证码": "For evaluation: CHSI verification code",
    "毕业时间不能晚于今天。": "The graduation date cannot be later than today.",
    "学信网验证码只能包含字母和数字。": "The CHSI verification code may contain only letters and digits.",
    "2001年之后取得的国内学历须填写学信网验证码（%(b)s毕业于%(y)d年）：请在学信网生成《教育部学历证书电子注册备案表》，填写其在线验证码。": "Domestic education obtained after 2001 needs the CHSI verification code (%(b)s: graduated in %(y)d). Generate the Ministry of Education's electronic registration record of the diploma (《教育部学历证书电子注册备案表》) on CHSI and enter its online verification code.",

    # --- declarations: titles, administrative posts, work experience (forms/history.py) ---
    "职称级别": "Title level",
    "职称系列": "Title series",
    "现专业技术职称": "Current professional title",
    "按资格证书如实选择或填写。无现专业技术职称的填“无”（或选择“其他”）。现职称通过改系列取得的，再添加一行填写改系列前的职称。": "Choose or enter it exactly as on the qualification certificate. With no current professional title, enter “无” (none) or choose “其他” (other). If your current title came from a change of series, add a row for the title held before the change.",
    "获取资格时间": "Qualification date",
    "按资格证书中的“公布时间”填写，无公布时间的填“评审时间”。": "The “announcement date” on the qualification certificate; if it has none, the “evaluation date”.",
    "聘任时间": "Appointment date",
    "第一次受聘现专业技术职务的时间，而非获取资格时间；未聘任的可不填。": "The date of your first appointment to your current professional post, not the qualification date. Leave empty if you have no appointment.",
    "聘任年限": "Years of appointment",
    "保存时按周年自动计算到申报年度12月31日。": "Calculated on saving, in full years up to 31 December of the declaration year.",
    "考试取得的专业技术类职业资格（视同相应职称）。": "A professional qualification obtained by examination (treated as the corresponding professional title).",
    "职业资格获取时间": "Qualification obtained on",
    "按职业资格证书中的“批准时间”填写。": "The “approval date” on the professional qualification certificate.",
    "请填写职业资格获取时间。": "Please enter the date the professional qualification was obtained.",
    "填写了获取时间，请选择对应的职业资格。": "A date is entered; please choose the professional qualification it belongs to.",
    "有现专业技术职称的，此项必须填写。": "Required when you have a current professional title.",
    "本计划要求填写聘任时间；未实行聘任的企业人员可填写获取资格时间。": "This plan requires the appointment date; staff of enterprises without appointments may enter the qualification date.",
    "聘任时间（%(a)s）不能早于获取资格时间（%(o)s）。": "The appointment date (%(a)s) cannot be earlier than the qualification date (%(o)s).",
    "现专业技术职称填“无”或“其他”仅限%(methods)s申报方式，请先填写并保存“申报信息”（申报方式）。": "“无” or “其他” as the current professional title is allowed only with the declaration methods %(methods)s. Please first fill in and save “Declaration information” (declaration method).",
    "申报方式为“%(method)s”，不能填写无现专业技术职称；仅%(methods)s可填“无”。以考试取得的职业资格申报的，请选择对应的职业资格。": "With the declaration method “%(method)s” you cannot declare without a current professional title; only %(methods)s allow “无”. If you declare on a professional qualification obtained by examination, choose that qualification.",
    "“%(t)s”是%(s)s系列%(l)s职称，请按资格证书核对职称级别。": "“%(t)s” is a %(l)s professional title of the %(s)s series. Please check the title level against the qualification certificate.",
    "填写“无”（无现专业技术职称）时不能再填写其他职称记录，请删除多余的行。": "With “无” (no current professional title) there can be no other title rows. Please delete the extra rows.",
    "没有行政职务的不必添加记录。": "If you have no administrative post, add no rows.",
    "任职时间": "Holding since",
    "没有行政职务的不必添加记录，请删除这一行。": "If you have no administrative post, no row is needed. Please delete this row.",
    "请按“年-月”填写，例如 2018-07。": "Enter it as “year-month”, for example 2018-07.",
    "至今": "present",
    "结束时间": "End",
    "至今的留空（只限最后一段经历）。": "Leave empty if it continues to the present (last period only).",
    "单位-部门-岗位": "Unit/department/post",
    "具体到科室，格式：XX单位/XX科室/XX岗位，例如：潍坊市**有限公司/设备科/机械电气。": "Down to the section, as unit/section/post, for example: 潍坊市**有限公司/设备科/机械电气.",
    "从事专业技术工作": "Professional work",
    "按本时间段内所从事的工作岗位如实填写。": "The work you actually did in this period.",
    "所任职务": "Position held",
    "填写专业技术职务，无专业技术职务的填“无”。": "Your professional post; if none, enter “无” (none).",
    "经历简介": "Summary",
    "不能晚于本月。": "Cannot be later than this month.",
    "不能晚于本月；仍在该岗位工作的请留空（至今）。": "Cannot be later than this month; leave empty (present) if you still hold this post.",
    "请按“XX单位/XX科室/XX岗位”填写单位、部门（具体到科室）和岗位三部分，也可用“-”分隔。": "Enter three parts as “unit/section/post”: the unit, the department (down to the section) and the post. “-” may also be used as the separator.",
    "结束时间不能早于开始时间。": "The end cannot be earlier than the start.",
    "“%(a)s”不是最后一段经历，结束时间不能留空（至今只限最后一段）。": "“%(a)s” is not the last period, so its end cannot be empty (only the last period may run to the present).",
    "“%(a)s”与“%(b)s”之间有间断（%(gap)s），工作经历应连续填写，不得间断。": "There is a gap (%(gap)s) between “%(a)s” and “%(b)s”. Work experience must be continuous, without gaps.",
    "“%(a)s”与“%(b)s”时间重叠，后一段应从%(m)s开始。": "“%(a)s” and “%(b)s” overlap; the later period should start in %(m)s.",

    # --- declarations: representative achievements (forms/achievements.py) ---
    "发明专利": "Invention patent",
    "实用新型专利": "Utility model patent",
    "国家级": "National",
    "省部级": "Provincial or ministerial",
    "市厅级": "Municipal or departmental",
    "县处级": "County",
    "位次格式为“本人位次/合作人数”，例如“2/3”；独立完成的填写“1/1”。": "Enter the rank as “your place/number of contributors”, for example “2/3”; for work done alone, enter “1/1”.",
    "位次和合作人数都应从1开始。": "Both the place and the number of contributors start at 1.",
    "本人位次（%(n)d）不能大于合作人数（%(m)d）。": "Your place (%(n)d) cannot be greater than the number of contributors (%(m)d).",
    "类别": "Category",
    "论文/著作填写报刊或出版社、转摘刊物（可填验证网址）；专利填写专利类别、批准机关；课题、获奖填写等级、批准机关；其他可填批准机关。与所选类别无关的项目不保存。": "Papers/books: journal or publisher and reprinting journal (verification URL optional); patents: patent type and approving authority; projects and awards: level and approving authority; other: approving authority if any. Fields unrelated to the chosen category are not saved.",
    "成果名称": "Achievement name",
    "论文/著作按“论文：论文全称”“著作：著作全称”“作品：作品全称”填写；获奖与证书表述一致。": "Papers/books as “论文：full title” (paper), “著作：full title” (book) or “作品：full title” (work); awards worded as on the certificate.",
    "论文著作填出版时间，获奖等填证书落款时间。": "Papers and books: the publication date; awards and the like: the date on the certificate.",
    "位次": "Rank",
    "本人位次/合作人数，例如“2/3”；独立完成的填写“1/1”。": "Your place/number of contributors, for example “2/3”; for work done alone, “1/1”.",
    "报刊或出版社": "Journal or publisher",
    "刊物或出版社的法定全称，刊物加书名号，例如《机械工程学报》。": "The official full name of the journal or publisher, journals in title marks, for example 《机械工程学报》.",
    "转摘刊物": "Reprinted in",
    "被其他刊物摘录的填写其名称；没有转摘的填“无”。": "If excerpted by other journals, enter their names; if not, enter “无” (none).",
    "验证网址": "Verification URL",
    "被中国知网、万方、维普等收录的，填写检索网址（http:// 或 https:// 开头）。": "If indexed by CNKI, Wanfang, VIP or the like, enter its URL there (starting with http:// or https://).",
    "专利类别": "Patent type",
    "等级": "Level",
    "课题等级或所获奖项等级；没有等级的选“无”。": "The level of the project or award; if it has none, choose “None”.",
    "批准机关": "Approving authority",
    "证书落款单位或部门的法定全称，不得删略和简化。": "The official full name of the unit or department that issued the certificate, without omissions or abbreviations.",
    "时间不能晚于今天。": "The date cannot be later than today.",
    "类别为“%(c)s”时必须填写“%(f)s”。": "“%(f)s” is required when the category is “%(c)s”.",
    "请填写论文/著作的验证网址。": "Please enter the verification URL of the paper/book.",
    "验证网址应以 http:// 或 https:// 开头，例如 https://www.cnki.net/…。": "The verification URL must start with http:// or https://, for example https://www.cnki.net/….",
    "代表性成果限填%(n)d条，当前%(c)d条，请删除%(d)d条后再保存。": "At most %(n)d representative achievements are allowed and there are %(c)d. Please delete %(d)d and save again.",
    "第%(a)d条与第%(b)d条是同一成果（“%(name)s”）：同一成果只算一条，不同奖项只填写最高奖项。": "Rows %(a)d and %(b)d are the same achievement (“%(name)s”). An achievement counts once; of several awards, enter only the highest.",

    # --- declarations: services and selectors ---
    "未找到该申报。": "Declaration not found.",
    "只能操作本人的申报。": "You can only act on your own declarations.",
    "当前状态为“%(s)s”，不能%(a)s。": "The status is “%(s)s”, so “%(a)s” is not possible.",
    "申报计划尚未开始，开始时间为 %(t)s。": "The plan has not opened yet; it opens at %(t)s.",
    "申报计划已于 %(t)s 截止。": "The plan closed at %(t)s.",
    "只有个人账号可以申报职称。": "Only personal accounts can declare for a professional title.",
    "请先阅读并同意《职称申报承诺书》。": "Please first read and agree to the Title Application Commitment.",
    "您已有该计划的申报，不能重复新增。": "You already have a declaration for this plan.",
    "同一年度同一系列只能有一个有效申报，您已有“%(p)s”。": "Only one active declaration per year and series is allowed, and you already have “%(p)s”.",
    "只能修改本人的申报。": "You can only change your own declarations.",
    "申报已提交（%(s)s），不能修改。": "The declaration has been submitted (%(s)s) and cannot be changed.",
    "申报已提交，不能修改。": "The declaration has been submitted and cannot be changed.",
    "该模块不能编辑。": "This section cannot be edited.",
    "尚未填写并保存": "Not filled in and saved yet",
    "至少需要填写%(n)d条": "At least %(n)d row(s) required",
    "请选择申报单位": "Choose the declaring unit",
    "还有%(n)d项未完成，请先补充：%(items)s": "Items still incomplete (%(n)d). Please complete them first: %(items)s",
    "所选申报单位尚未获得职称评审权限，请联系单位。": "The chosen declaring unit does not have title review permission yet. Please contact the unit.",
    "单位已开始审核，不能撤回。如需修改请联系单位退回。": "The unit has started its review, so the declaration cannot be withdrawn. To change it, ask the unit to return it.",
    "没有可复用的以往申报。": "There is no earlier declaration to reuse.",

    # --- declarations: templates ---
    "第 %(n)s 条": "Row %(n)s",
    "暂无记录，请点击“添加一行”。": "No rows yet. Click “Add a row”.",
    "添加一行": "Add a row",
    "按证件号码、年度和类型导入：已有记录的更新学时，没有的新增。文件中任一行有错误时整个文件都不导入。": "Records are matched on ID number, year and type: existing ones get their hours updated, others are added. If any row has an error, nothing in the file is imported.",
    "文件示例：": "Example file:",
    "导入": "Import",
    "继续教育学时由系统从继续教育公共服务平台导入，无需上传附件；如有错误请在继续教育平台维护后联系管理员重新导入。": "Continuing education hours are imported from the public continuing education service platform, so no attachments are needed. If they are wrong, have them corrected on that platform and ask the administrator to import them again.",
    "各年度均已达到每年 %(n)s 学时的要求。": "Every year meets the requirement of %(n)s hours a year.",
    "每年应完成 %(n)s 学时，%(years)s 年度未达到要求。": "%(n)s hours are required each year; not met in %(years)s.",
    "公需科目学时": "Public subject hours",
    "专业科目学时": "Professional subject hours",
    "合计": "Total",
    "是否达到要求": "Requirement met",
    "不作要求": "Not required",
    "达到": "Met",
    "未达到（需 %(n)s 学时）": "Not met (%(n)s hours needed)",
    "我的申报信息": "My declarations",
    "填写": "Fill in",
    "查看": "View",
    "您还没有申报。": "You have no declarations yet.",
    "开放中的申报计划": "Open plans",
    "评审委员会：": "Committee: ",
    "截止：": "Deadline: ",
    "确认新增该计划的申报？同一年度同一系列只能有一个有效申报。": "Start a declaration for this plan? Only one active declaration per year and series is allowed.",
    "新增申报信息": "Start a declaration",
    "目前没有可新增的申报计划。": "There is no plan open for new declarations at the moment.",
    "状态：": "Status: ",
    "当前审核单位：": "Current reviewing unit: ",
    "提交后不能修改，确认提交申报？": "The declaration cannot be changed after it is submitted. Submit it?",
    "确定申报": "Submit",
    "确认撤回申报？撤回后可修改再提交。": "Withdraw the declaration? You can then change it and submit it again.",
    "将用以往申报的学历、职称、工作经历和成果覆盖本申报中的这些模块，确认复用？": "The education, professional titles, work experience and achievements sections of this declaration will be overwritten with those of the earlier declaration. Reuse them?",
    "可复用以往申报（%(plan)s）中的学历、职称、工作经历和代表性成果。": "You can reuse the education, professional titles, work experience and representative achievements of your earlier declaration (%(plan)s).",
    "还有 %(n)s 项未完成，完成后才能提交：": ("%(n)s item is incomplete; complete it before submitting:", "%(n)s items are incomplete; complete them before submitting:"),
    "自动获取": "Filled automatically",
    "已保存": "Saved",
    "未填写": "Not filled in",
    "申报已提交，当前不能修改。": "The declaration has been submitted and cannot be changed now.",
    "当前所在单位：": "Currently at: ",
    "原因：": "Reason: ",
    "输入单位名称关键字模糊查询": "Type part of the unit name to search",
    "查找申报单位": "Search for the declaring unit",

    # --- declarations: views ---
    "已新增申报，请逐项填写并保存。": "Declaration started. Fill in and save each section.",
    "该申报没有这个模块。": "This declaration has no such section.",
    "“%(t)s”已保存。": "“%(t)s” saved.",
    "申报已提交至申报单位，请及时联系单位审核。": "The declaration has been submitted to the declaring unit. Please ask the unit to review it promptly.",
    "申报已撤回，可以修改后重新提交。": "The declaration has been withdrawn. You can change it and submit it again.",
    "已导入%(n)d条：新增%(c)d条，更新%(u)d条。": "Imported %(n)d records: %(c)d added, %(u)d updated.",
    "已复用：%(s)s。": "Reused: %(s)s.",
    "以下模块不符合本计划的要求，未复用，请重新填写：%(s)s。": "These sections do not meet this plan's requirements and were not reused; please fill them in again: %(s)s.",

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

    # --- attachments ---
    "检查中": "Checking",
    "有效": "Valid",
    "文件名": "File name",
    "大小（字节）": "Size (bytes)",
    "不合格原因": "Reason for rejection",
    "页数": "Pages",
    "上传时间": "Uploaded at",
    "检查时间": "Checked at",
    "未找到该文件。": "File not found.",
    "该申报没有这个附件栏目。": "This declaration has no such attachment slot.",
    "申报已提交，附件不能再上传、删除或替换。": "The declaration has been submitted; attachments can no longer be uploaded, deleted or replaced.",
    "申报计划不在开放时间内，附件不能修改。": "The declaration plan is not open, so attachments cannot be changed.",
    "该附件栏目不属于本申报。": "This attachment slot does not belong to this declaration.",
    "文件是空的（0字节），请重新选择。": "The file is empty (0 bytes). Please choose another file.",
    "文件大小为%(s).1fMB，超过5MB的上限，请压缩或拆分后上传。": "The file is %(s).1f MB, over the 5 MB limit. Please compress or split it and upload again.",
    "只支持 jpg、png、gif、pdf 格式的文件；该文件的实际内容不是这些格式。": "Only jpg, png, gif and pdf files are supported; the actual content of this file is not one of these formats.",
    "证件照须为 JPEG（.jpg）格式。": "The ID photo must be in JPEG (.jpg) format.",
    "文件多次检查未能完成，请重新上传。": "The file check failed to complete after several attempts. Please upload the file again.",
    "%(name)s 的缩略图": "Thumbnail of %(name)s",
    "%(n)s 页": ("%(n)s page", "%(n)s pages"),
    "刷新页面查看检查结果": "Refresh the page to see the check result",
    "预览": "Preview",
    "下载": "Download",
    "确认删除“%(name)s”？": "Delete “%(name)s”?",
    "删除": "Delete",
    "只能上传一个文件，再次上传将替换原文件": "Only one file allowed; uploading again replaces the current file",
    "尚未上传文件。": "No file uploaded yet.",
    "文件超过5MB的上限，请压缩或拆分后上传：": "File over the 5 MB limit; please compress or split it and upload again:",
    "该栏目只能上传一个文件。": "Only one file can be uploaded to this slot.",
    "上传失败，请稍后重试：": "Upload failed, please try again later:",
    "选择文件": "Choose files",
    "JPEG 格式，30KB～1MB，不小于215×300像素，宽高比0.65～0.8。": "JPEG format, 30 KB–1 MB, at least 215×300 pixels, width/height ratio 0.65–0.8.",
    "jpg、png、gif、pdf 格式，每个文件不超过5MB；多页材料请扫描成一个文件。": "jpg, png, gif or pdf, up to 5 MB per file; scan multi-page material into a single file.",
    "也可以把文件拖到这里。": "You can also drag files here.",
    "上传": "Upload",
    "附件材料": "Attachments",
    "文件上传后即已保存，无需再点击“保存”；每个文件上传后会自动检查，检查通过显示“有效”。": "Files are saved as soon as they are uploaded; there is no need to click “Save”. Each file is checked automatically after upload and shows “Valid” once it passes.",
    "已上传的附件（申报已提交，不能修改）。": "Uploaded attachments (the declaration has been submitted and cannot be changed).",
    "文件不能下载": "File cannot be downloaded",
    "请选择要上传的文件。": "Please choose a file to upload.",
    "“%(slot)s”只能上传一个文件。": "Only one file can be uploaded to “%(slot)s”.",
    "“%(name)s”未上传：%(reason)s": "“%(name)s” was not uploaded: %(reason)s",
    "已上传%(n)d个文件，检查结果见附件列表（检查中的文件请稍后刷新页面）。": "Files uploaded: %(n)d. See the attachment list for check results (refresh the page later for files still being checked).",
    "已删除“%(name)s”。": "Deleted “%(name)s”.",
    "该文件未通过检查，不提供下载：%(r)s": "This file was rejected and cannot be downloaded: %(r)s",
    "文件正在检查，检查通过后才能下载，请稍候。": "The file is being checked and can be downloaded once it passes. Please wait.",
    "文件不存在。": "The file does not exist.",
    "该文件没有缩略图。": "This file has no thumbnail.",
    "“%(slot)s”：文件检查中，请稍候": "“%(slot)s”: file is being checked, please wait",
    "“%(slot)s”的文件不合格，请重新上传": "The file for “%(slot)s” was rejected; please upload it again",
    "请上传“%(slot)s”": "Please upload “%(slot)s”",
}
# fmt: on


def _load_extra_translations() -> None:
    """Merge scripts/translations/*.py (each defines TRANSLATIONS): one file per feature, so
    parallel work does not edit one dictionary."""
    import importlib.util

    for path in sorted((Path(__file__).resolve().parent / "translations").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_translations_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        TRANSLATIONS.update(getattr(module, "TRANSLATIONS", {}))


_load_extra_translations()

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

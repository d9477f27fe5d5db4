# ruff: noqa: E501
"""English for routing paths (路径申请 / 路径审核): the list, the application form, the queue,
the decision page and the "no effective path" message."""

TRANSLATIONS: dict[str, str | tuple[str, str]] = {
    # navigation
    "路径审核": "Path review",
    # filter and application forms
    "全部系列": "All series",
    "全部级别": "All levels",
    "是否生效": "Effective?",
    "选择单位": "Choose department",
    "选择本单位的上级业务主管部门或呈报部门。": "Choose the supervising department or reporting department directly above your organization.",
    "选择与所申请系列、级别一致的评审委员会。": "Choose the evaluation committee of the series and level you apply for.",
    "生效": "Make effective",
    "选择“不通过”时必须填写原因，申请单位将看到此意见。": "A reason is required to reject; the applying organization will see it.",
    "请选择“生效”或“不通过”。": "Choose “Make effective” or “Reject”.",
    # selectors: fetching a path, the message for the review chain
    "未找到该路径申请。": "Path application not found.",
    "本单位「%(sl)s」的评委会路径（→ %(d)s）尚未生效，正在等待“%(who)s”审核，审核生效后方可上报。如长时间未生效，请联系该部门。": "Your committee path for “%(sl)s” (→ %(d)s) is not effective yet: it is waiting for review by “%(who)s”. You can report once it is effective. If it stays pending for long, please contact that office.",
    "本单位「%(sl)s」的申报路径尚未生效，正在等待“%(who)s”审核，审核生效后方可上报。如长时间未生效，请联系该部门。": "Your routing path for “%(sl)s” is not effective yet: it is waiting for review by “%(who)s”. You can report once it is effective. If it stays pending for long, please contact that department.",
    "本单位尚无「%(sl)s」的生效评委会路径，请先申请评委会路径并等待评委会办事机构审核生效。": "Your organization has no effective committee path for “%(sl)s”. Please apply for a committee path first and wait until the committee office makes it effective.",
    "本单位尚无「%(sl)s」的生效申报路径，请先申请路径并等待上级部门审核生效。": "Your organization has no effective routing path for “%(sl)s”. Please apply for a path first and wait until the department above makes it effective.",
    # views
    "路径申请已提交，等待“%(who)s”审核，生效后方可上报。": "Path application submitted. It now waits for review by “%(who)s”; you can report once it is effective.",
    "“%(o)s”的%(sl)s路径审核结果：%(s)s。": "Path of “%(o)s” for %(sl)s decided: %(s)s.",
    # path_list.html
    "新增路径": "New path",
    "呈报部门申请评委会路径，由评委会办事机构审核；路径生效后，审核通过的材料方可上报至评委会。": "A reporting department applies for a committee path, which the committee office reviews; once it is effective, approved declarations can be reported to the committee.",
    "先按系列、级别查询是否已有生效路径；没有的，点击“新增路径”选择上级主管部门或呈报部门，路径由所选部门审核，生效后方可上报材料。": "First search by series and level for an effective path. If there is none, click “New path” and choose the supervising or reporting department above you; that department reviews the path, and declarations can be reported once it is effective.",
    "等待“%(who)s”审核": "Waiting for review by “%(who)s”",
    "没有符合条件的路径。": "No matching paths.",
    # path_apply.html
    "评委会路径申请": "Committee path application",
    "单位路径申请": "Unit path application",
    "「%(sl)s」已有生效路径（→ %(d)s），无需重复申请。": "“%(sl)s” already has an effective path (→ %(d)s); there is no need to apply again.",
    "「%(sl)s」的路径（→ %(d)s）正在等待“%(who)s”审核，如长时间未生效，请联系该部门。": "The path for “%(sl)s” (→ %(d)s) is waiting for review by “%(who)s”. If it stays pending for long, please contact that department.",
    "「%(sl)s」的路径正在等待“%(who)s”审核，如长时间未生效，请联系该部门。": "The path for “%(sl)s” is waiting for review by “%(who)s”. If it stays pending for long, please contact that department.",
    # path_queue.html
    "全部评委会路径": "All committee paths",
    "申请路径": "Requested path",
    "没有符合条件的路径申请。": "No matching path applications.",
    # path_decide.html
    "审核路径申请": "Review path application",
    "申请人": "Applied by",
    "路径生效后，申请单位审核通过的材料将按此路径上报；不通过时须填写原因，申请单位可修改后重新申请。": "Once the path is effective, declarations the applying organization approves are reported along it. To reject, give a reason; the organization can then apply again.",
    "确认不通过该路径申请？": "Reject this path application?",
    "确认该路径生效？生效后申请单位将按此路径上报。": "Make this path effective? The applying organization will then report along it.",
    "该路径申请已处理：": "This path application has been decided: ",
}

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from govit.core.errors import ServiceError
from govit.core.views import form_refused, refused_page, service_run
from govit.documents import selectors, services
from govit.documents.forms import AttachmentUploadForm
from govit.projects.selectors import project_get_for_user


@login_required
@require_POST
def attachment_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        form_refused(request, "未能上传", form)
        return redirect("project_detail", project_id=project.pk)
    data, upload = form.cleaned_data, form.cleaned_data["file"]
    service_run(
        request,
        "未能上传",
        lambda: services.attachment_upload(
            actor=request.user,
            project=project,
            requirement_code=data["requirement_code"],
            handle=upload,
            name=upload.name or "",
            size=upload.size or 0,
            note=data["note"],
        ),
        lambda attachment: f"已上传“{attachment.requirement_name}”第 {attachment.version} 版",
    )
    return redirect(f"/projects/{project.pk}/#materials")


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    try:
        chunks = services.attachment_download(actor=request.user, attachment=attachment)
    except ServiceError as error:
        return refused_page(request, error.message, status=409, heading="文件完整性校验失败")
    response = StreamingHttpResponse(chunks, content_type=attachment.content_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

resource "aws_sagemaker_flow_definition" "payroll_review" {
  flow_definition_name = "payroll-review"
  role_arn             = "arn:aws:iam::111122223333:role/A2IExecution"

  human_loop_config {
    human_task_ui_arn = "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/payroll-ui"
    workteam_arn      = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/payroll"
    task_count        = 2
    task_title        = "Review payroll fields"
    task_description  = "Check the fields Textract was unsure of"
  }

  output_config {
    s3_output_path = "s3://example-bucket/a2i/"
  }

  human_loop_request_source {
    aws_managed_human_loop_request_source = "AWS/Textract/AnalyzeDocument/Forms/V1"
  }

  human_loop_activation_config {
    human_loop_activation_conditions_config {
      human_loop_activation_conditions = file("${path.module}/build/payroll.json")
    }
  }

  tags = {
    team = "finance"
  }
}

import { registry } from "@web/core/registry";

const openTheOrderToApprove = [
    {
        content: "Open the order",
        trigger: ".o_list_view .o_data_row td[name=name]:contains(PAY)",
        run: "click",
    },
    {
        content: "It waits for approval",
        trigger: ".o_form_view .o_field_widget[name=bank_api_approval_state]:contains(To Approve)",
    },
];

registry.category("web_tour.tours").add("bank_api_sync_payment_preparer_waits", {
    steps: () => [
        ...openTheOrderToApprove,
        {
            content: "The preparer has no Approve button, and no file before approval",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_bank_api_approve])):not(:has(button[name=open2generated]))",
        },
    ],
});

registry.category("web_tour.tours").add("bank_api_sync_payment_approver_approves", {
    steps: () => [
        ...openTheOrderToApprove,
        {
            content: "Approve it",
            trigger: ".o_form_view button[name=action_bank_api_approve]",
            run: "click",
        },
        {
            content: "It is approved, and the file may be generated",
            trigger: ".o_form_view .o_field_widget[name=bank_api_approval_state]:contains(Approved)",
        },
        {
            trigger: ".o_form_view button[name=open2generated]",
        },
        {
            content: "Open the audit trail",
            trigger: ".o_notebook .nav-link:contains(Approval & Audit Trail)",
            run: "click",
        },
        {
            content: "The approval is in the trail, under the approver's name",
            trigger: ".o_field_widget[name=bank_api_audit_ids] .o_data_row:has(td:contains(Approved)):has(td:contains(bas_pay_approver))",
        },
        {
            content: "The trail is intact",
            trigger: ".o_field_widget[name=bank_api_trail_problem]:contains(Intact)",
        },
    ],
});

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("bank_api_sync_connection_menu", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open Configuration",
            trigger: ".o_main_navbar button[data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            content: "Bank Connections sits under Banks, beside Reconciliation Models",
            trigger: ".dropdown-item[data-menu-xmlid='account.action_account_reconcile_model_menu']",
        },
        {
            content: "Open Bank Connections",
            trigger: ".dropdown-item[data-menu-xmlid='bank_api_sync.bank_api_connection_menu']",
            run: "click",
        },
        {
            content: "A manager may create connections",
            trigger: ".o_control_panel .o_list_button_add",
        },
        {
            content: "Open the connection",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Main Bank)",
            run: "click",
        },
        {
            content: "The form shows the provider and the state",
            trigger: ".o_form_view .o_field_widget[name=provider] select",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Draft)",
        },
        {
            content: "A sandbox connection wears the Sandbox ribbon",
            trigger: ".o_form_view .ribbon:contains(Sandbox)",
        },
    ],
});

registry.category("web_tour.tours").add("bank_api_sync_connection_readonly", {
    steps: () => [
        {
            content: "The list of connections loads",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Main Bank)",
        },
        {
            content: "An accounting user cannot create connections",
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
        {
            content: "Open the connection",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Main Bank)",
            run: "click",
        },
        {
            content: "The form is read-only for an accounting user",
            trigger: ".o_form_view .o_form_readonly .o_field_widget[name=name]:contains(Main Bank)",
        },
    ],
});

function openBankLinesToReview() {
    return [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open Accounting",
            trigger: ".o_main_navbar button[data-menu-xmlid='account.menu_finance_entries']",
            run: "click",
        },
        {
            content: "Open Bank Lines to Review",
            trigger: ".dropdown-item[data-menu-xmlid='bank_api_sync.account_bank_statement_line_to_review_menu']",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("bank_api_sync_accept_a_proposal", {
    steps: () => [
        ...openBankLinesToReview(),
        {
            content: "The line waits with its proposal and why",
            trigger: ".o_list_view .o_data_row:contains(Zaliczka za zamówienie) td[name=bank_api_best_reason]:not(:empty)",
        },
        {
            content: "Accept the proposal",
            trigger: ".o_list_view .o_data_row:contains(Zaliczka za zamówienie) button[name=action_bank_api_accept_best]",
            run: "click",
        },
        {
            content: "The line is reconciled and leaves the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Zaliczka za zamówienie)))",
        },
    ],
});

registry.category("web_tour.tours").add("bank_api_sync_accept_many_proposals", {
    steps: () => [
        ...openBankLinesToReview(),
        {
            content: "Both lines wait with their proposals",
            trigger: ".o_list_view .o_data_row:contains(Zamówienie 7001) ~ .o_data_row:contains(Zamówienie 7002), .o_list_view .o_data_row:contains(Zamówienie 7002) ~ .o_data_row:contains(Zamówienie 7001)",
        },
        {
            content: "Select every line",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_cp_action_menus button:contains(Actions)",
            run: "click",
        },
        {
            content: "Accept the best proposals",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Accept Best Proposals)",
            run: "click",
        },
        {
            content: "The outcome is shown",
            trigger: ".o_notification:contains(Proposals accepted: 2.)",
        },
        {
            content: "The reconciled lines leave the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Zamówienie 700)))",
        },
    ],
});

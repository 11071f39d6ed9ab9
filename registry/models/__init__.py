"""Models of the registry, split by domain and re-exported here."""

# The pending-import store lives with the import code that owns it.
# API keys live with the API that reads them.
from registry.api.keys import ApiKey  # noqa: E402
from registry.importing.models import ExportJob, PendingImport  # noqa: E402

from .access import StaffScope
from .assessments import AssessmentScheme, AssessmentSchemePart, Measure
from .audit import AuditEvent
from .base import NaturalKeyManager, RegistryModel
from .choices import Level
from .commissioners import (
    Commissioner,
    CommissionerAssessment,
    CommissionerTeam,
    ServiceRecord,
    Workstation,
    WorkstationMember,
)
from .evidence import Attachment, EvidenceKind, EvidenceRequirement
from .indicators import Indicator
from .lookups import (
    ContractType,
    DevelopmentZone,
    Division,
    IndustryCluster,
    QualificationKind,
    TalentTier,
)
from .organizations import AnnualReport, Organization, OrganizationAlias, Qualification
from .platforms import Platform, PlatformExpert, PlatformMember
from .projects import Project, ProjectPartner, ProjectTarget
from .reminders import ReminderKind, ReminderRule, SentReminder
from .reports import ReportSnapshot
from .review import Reviewed, ReviewStatus, ReviewTransition
from .sources import Citation, Source
from .talents import Talent
from .transfer import (
    ContractRegistration,
    Policy,
    RegistrationStatus,
    Subsidy,
    TechContract,
    TechContractDistrict,
    TechnologyBroker,
    TrainingBase,
    TransferAgency,
)

__all__ = [
    "AnnualReport",
    "ApiKey",
    "AssessmentScheme",
    "AssessmentSchemePart",
    "Attachment",
    "AuditEvent",
    "Citation",
    "Commissioner",
    "CommissionerAssessment",
    "CommissionerTeam",
    "ContractRegistration",
    "ContractType",
    "DevelopmentZone",
    "Division",
    "EvidenceKind",
    "ExportJob",
    "EvidenceRequirement",
    "Indicator",
    "IndustryCluster",
    "Level",
    "Measure",
    "NaturalKeyManager",
    "Organization",
    "OrganizationAlias",
    "PendingImport",
    "Platform",
    "PlatformExpert",
    "PlatformMember",
    "Policy",
    "Project",
    "ProjectPartner",
    "ProjectTarget",
    "Qualification",
    "QualificationKind",
    "RegistrationStatus",
    "RegistryModel",
    "ReminderKind",
    "ReminderRule",
    "ReportSnapshot",
    "ReviewStatus",
    "ReviewTransition",
    "Reviewed",
    "SentReminder",
    "ServiceRecord",
    "Source",
    "StaffScope",
    "Subsidy",
    "Talent",
    "TalentTier",
    "TechContract",
    "TechContractDistrict",
    "TechnologyBroker",
    "TrainingBase",
    "TransferAgency",
    "Workstation",
    "WorkstationMember",
]
